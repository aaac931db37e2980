"""Every model is built by name from one registry: the CLI, the evaluator and the models page
all go through `create_model`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ml.models.ensemble import SoftVoteClassifier
from ml.models.fusion import FusionClassifier
from ml.models.linear import LinearProbeClassifier, TextClassifier
from ml.models.pancan import PanCANLiteClassifier
from ml.models.vit import ViTClassifier


class UnknownModel(KeyError):
    def __str__(self) -> str:
        return f"unknown model {self.args[0]!r}; known: {', '.join(MODEL_NAMES)}"


REGISTRY: dict[str, Callable[..., Any]] = {
    "fusion": FusionClassifier,
    "vit": ViTClassifier,
    "pancan_lite": PanCANLiteClassifier,
    "baseline": LinearProbeClassifier,
    "text": TextClassifier,
    "ensemble": SoftVoteClassifier,
}
MODEL_NAMES: tuple[str, ...] = tuple(REGISTRY)
# What each model reads, and whether it serves predictions.
DESCRIPTIONS = {
    "fusion": "Late fusion of the image embedding and TF-IDF text (primary)",
    "vit": "Vision Transformer over the backbone's feature-map tokens, image only (fallback)",
    "pancan_lite": "Grid cells + context over the cell graph (2 orders) + multi-scale, image only",
    "baseline": "Linear probe on the image embedding",
    "text": "TF-IDF + logistic regression, text only",
    "ensemble": "Soft vote of the image-only models (baseline, vit, pancan_lite)",
}
ENSEMBLE_MEMBERS = ("baseline", "vit", "pancan_lite")
SERVING_ROLES = {"fusion": "primary", "vit": "fallback"}


def create_model(name: str, **config: Any) -> Any:
    try:
        factory = REGISTRY[name]
    except KeyError as exc:
        raise UnknownModel(name) from exc
    return factory(**config)
