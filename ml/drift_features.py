"""The per-prediction features drift monitoring compares: image statistics and an embedding
summary, computed identically for the reference set and for every prediction."""

from __future__ import annotations

from typing import cast

import numpy as np
from PIL import Image

# A fixed random projection: the same 4 directions for every process and every version.
_PROJECTION_SEED = 20240601
EMBEDDING_COMPONENTS = 4


def image_features(image: Image.Image, file_size: int) -> dict[str, float]:
    """Brightness, contrast, colourfulness (Hasler-Suesstrunk), aspect ratio, file size."""
    pixels = np.asarray(image.convert("RGB"), dtype=np.float32)
    grey = pixels.mean(axis=2)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    rg, yb = r - g, 0.5 * (r + g) - b
    colourfulness = np.sqrt(rg.std() ** 2 + yb.std() ** 2) + 0.3 * np.sqrt(
        rg.mean() ** 2 + yb.mean() ** 2
    )
    return {
        "brightness": float(grey.mean() / 255.0),
        "contrast": float(grey.std() / 255.0),
        "colourfulness": float(colourfulness / 255.0),
        "aspect_ratio": float(image.width / max(1, image.height)),
        "file_kb": float(file_size / 1024.0),
    }


def _projection(dim: int) -> np.ndarray:
    rng = np.random.default_rng(_PROJECTION_SEED)
    matrix = rng.normal(size=(dim, EMBEDDING_COMPONENTS))
    return cast(np.ndarray, matrix / np.linalg.norm(matrix, axis=0, keepdims=True))


def embedding_summary(embedding: np.ndarray) -> dict[str, float]:
    """Norm and a 4-number random projection of the L2-normalised embedding."""
    vector = np.asarray(embedding, dtype=np.float64).ravel()
    norm = float(np.linalg.norm(vector))
    unit = vector / norm if norm else vector
    projected = unit @ _projection(len(unit))
    return {"embedding_norm": norm, **{f"embedding_{i}": float(v) for i, v in enumerate(projected)}}


def drift_features(
    image: Image.Image, file_size: int, embedding: np.ndarray, text_length: int
) -> dict[str, float]:
    return {
        **image_features(image, file_size),
        **embedding_summary(embedding),
        "text_length": float(text_length),
    }
