"""A tiny generated data set with signal in every modality, for model unit tests."""

from __future__ import annotations

import numpy as np

from ml.models.inputs import ModelInputs

CLASSES = [f"class_{i}" for i in range(7)]
WORDS = ["watch", "laptop", "teapot", "curtain", "candle", "lipstick", "bottle"]


def synthetic(
    n_per_class: int, seed: int, *, dim: int = 64, channels: int = 32
) -> tuple[ModelInputs, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(100).normal(0, 1.5, size=(7, dim))
    patterns = np.random.default_rng(101).normal(0, 1.0, size=(7, channels, 7, 7))
    embeddings, fmaps, texts, labels = [], [], [], []
    for k in range(7):
        for _ in range(n_per_class):
            embeddings.append(centres[k] + rng.normal(0, 1.0, dim))
            fmaps.append(np.abs(patterns[k] + rng.normal(0, 0.8, (channels, 7, 7))))
            filler = " ".join(rng.choice(["premium", "set", "blue", "pack"], size=3))
            texts.append(f"{WORDS[k]} {filler}" if rng.random() > 0.1 else filler)
            labels.append(CLASSES[k])
    order = rng.permutation(len(labels))
    inputs = ModelInputs(
        np.array(embeddings, np.float32)[order],
        np.array(fmaps, np.float32)[order],
        tuple(np.array(texts)[order]),
    )
    return inputs, np.array(labels)[order]
