"""Decode untrusted image bytes safely and turn them into the backbone's input tensor."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ml.wording import Phrase

INPUT_SIZE = 224
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
ORIENTATION_TAG = 0x0112
# Declared media types and the format their bytes must then have.
DECLARED_FORMATS = {
    "image/jpeg": "JPEG",
    "image/jpg": "JPEG",
    "image/pjpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
}


class ImageRejected(ValueError):
    """The bytes are not an image Vitrine accepts; `code` says why in one word."""

    def __init__(self, code: str, message: str) -> None:  # message: a Phrase, to translate
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000
    formats: frozenset[str] = ALLOWED_FORMATS
    # Longer side over shorter side. Resizing scales the shorter side to 224, so a 100 x 400,000
    # strip (under the pixel cap) would decode and resize into gigabytes; no product photo is
    # that thin, and at 20:1 every intermediate image stays under ~15 MB.
    max_aspect_ratio: float = 20.0


def decode_image(data: bytes, limits: ImageLimits | None = None) -> Image.Image:
    """An RGB image from untrusted bytes, or ImageRejected. Nothing is written anywhere."""
    limits = limits or ImageLimits()
    if not data:
        raise ImageRejected("empty", Phrase("The file is empty."))
    if len(data) > limits.max_bytes:
        raise ImageRejected(
            "too_large", Phrase("The file is larger than %(limit)s bytes.", limit=limits.max_bytes)
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in limits.formats:
                raise ImageRejected(
                    "unsupported_format",
                    Phrase(
                        "Accepted formats are %(formats)s.",
                        formats=", ".join(sorted(limits.formats)),
                    ),
                )
            if image.width * image.height > limits.max_pixels:
                raise ImageRejected("too_many_pixels", Phrase("The image has too many pixels."))
            if image.width < 1 or image.height < 1:
                raise ImageRejected("unreadable", Phrase("The image has no pixels."))
            longer, shorter = max(image.size), min(image.size)
            if longer > limits.max_aspect_ratio * shorter:
                raise ImageRejected(
                    "bad_shape",
                    Phrase(
                        "The image is %(width)s x %(height)s pixels: one side is more than "
                        "%(ratio)s times the other. Send a photo of the product.",
                        width=image.width,
                        height=image.height,
                        ratio=format(limits.max_aspect_ratio, "g"),
                    ),
                )
            if getattr(image, "n_frames", 1) > 1:
                raise ImageRejected(
                    "multi_frame", Phrase("Animated or multi-frame images are refused.")
                )
            image.load()
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected("too_many_pixels", Phrase("The image has too many pixels.")) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected("unreadable", Phrase("The file is not a readable image.")) from exc
    return _upright(image).convert("RGB")


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation; metadata that cannot be parsed or makes no sense is refused."""
    try:
        exif = image.getexif()
        orientation = exif.get(ORIENTATION_TAG)
    except Exception as exc:  # PIL's EXIF parser raises many kinds on crafted input
        raise ImageRejected(
            "bad_metadata", Phrase("The image's EXIF metadata is malformed.")
        ) from exc
    if len(image.info.get("exif", b"")) > 8 and not exif:  # a block PIL could not make sense of
        raise ImageRejected("bad_metadata", Phrase("The image's EXIF metadata is malformed."))
    if orientation is not None and orientation not in range(1, 9):
        raise ImageRejected(
            "bad_metadata", Phrase("The image's EXIF orientation is not a valid value.")
        )
    return ImageOps.exif_transpose(image)


def sniff_format(data: bytes) -> str | None:
    """The format PIL recognises from the bytes' header (JPEG, PNG, ...), without decoding."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.format
    except Exception:  # anything unrecognisable
        return None


def to_input(image: Image.Image, size: int = INPUT_SIZE) -> np.ndarray:
    """Resize the shorter side to `size`, centre-crop, normalise: float32 [3, size, size]."""
    width, height = image.size
    scale = size / min(width, height)
    resized = image.resize(
        (max(size, round(width * scale)), max(size, round(height * scale))),
        Image.Resampling.BICUBIC,
    )
    left = (resized.width - size) // 2
    top = (resized.height - size) // 2
    cropped = resized.crop((left, top, left + size, top + size))
    pixels = np.asarray(cropped, dtype=np.float32) / 255.0
    return ((pixels - IMAGENET_MEAN) / IMAGENET_STD).transpose(2, 0, 1).copy()
