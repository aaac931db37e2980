"""Decode untrusted image bytes safely and turn them into the backbone's input tensor."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

INPUT_SIZE = 224
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


class ImageRejected(ValueError):
    """The bytes are not an image Vitrine accepts; `code` says why in one word."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000
    formats: frozenset[str] = ALLOWED_FORMATS


def decode_image(data: bytes, limits: ImageLimits | None = None) -> Image.Image:
    """An RGB image from untrusted bytes, or ImageRejected. Nothing is written anywhere."""
    limits = limits or ImageLimits()
    if not data:
        raise ImageRejected("empty", "The file is empty.")
    if len(data) > limits.max_bytes:
        raise ImageRejected("too_large", f"The file is larger than {limits.max_bytes} bytes.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in limits.formats:
                raise ImageRejected(
                    "unsupported_format",
                    f"Accepted formats are {', '.join(sorted(limits.formats))}.",
                )
            if image.width * image.height > limits.max_pixels:
                raise ImageRejected("too_many_pixels", "The image has too many pixels.")
            if getattr(image, "n_frames", 1) > 1:
                raise ImageRejected("multi_frame", "Animated or multi-frame images are refused.")
            image.load()
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected("too_many_pixels", "The image has too many pixels.") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected("unreadable", "The file is not a readable image.") from exc
    image = ImageOps.exif_transpose(image)
    return image.convert("RGB")


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
