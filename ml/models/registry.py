"""Every model is built by name from one registry: the CLI, the evaluator and the models page
all go through `create_model`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ml.models.ensemble import SoftVoteClassifier
from ml.models.fusion import FusionClassifier
from ml.models.linear import LinearProbeClassifier, StageProbeClassifier, TextClassifier
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
    "stage_probe": StageProbeClassifier,
    "text": TextClassifier,
    "ensemble": SoftVoteClassifier,
}
MODEL_NAMES: tuple[str, ...] = tuple(REGISTRY)
# What each model reads, and whether it serves predictions.
DESCRIPTIONS = {
    "fusion": "Late fusion of the image embedding and TF-IDF text (primary)",
    "vit": "Vision Transformer over the backbone's feature-map tokens, image only",
    "pancan_lite": "Grid cells + context over the cell graph (2 orders) + multi-scale, image only",
    "baseline": "Linear probe on the image embedding",
    "stage_probe": "Linear probe on the embedding and pooled earlier backbone stages, image only",
    "text": "TF-IDF + logistic regression, text only",
    "ensemble": "Soft vote of the image-only models (baseline, vit, pancan_lite)",
}
ENSEMBLE_MEMBERS = ("baseline", "vit", "pancan_lite")
PRIMARY = "fusion"
# Image-only models exported with a serving head: the fallback role goes to whichever of them
# holds up best when the art style changes (leave-one-style-out accuracy, `ml.style_shift`).
FALLBACK_CANDIDATES = ("stage_probe", "vit", "baseline")
# ONNX input each candidate's head reads from the backbone.
HEAD_INPUTS = {"fusion": ("embedding", "tfidf"), "vit": ("fmap",), "baseline": ("embedding",),
               "stage_probe": ("stages",)}


def choose_fallback(shift_accuracy: dict[str, float | None]) -> str:
    """The fallback: the candidate with the best leave-one-style-out accuracy.

    Candidates with no figure yet are passed over; with no figure at all, `vit` (as before
    the style-shift evaluation existed) when it is there, else the first candidate given.
    """
    measured = {n: a for n, a in shift_accuracy.items() if n in FALLBACK_CANDIDATES and a}
    if measured:
        return max(measured, key=lambda n: (measured[n], -FALLBACK_CANDIDATES.index(n)))
    present = [n for n in FALLBACK_CANDIDATES if n in shift_accuracy]
    if "vit" in present:
        return "vit"
    if not present:
        raise ValueError("no image-only model can take the fallback role")
    return present[0]


def create_model(name: str, **config: Any) -> Any:
    try:
        factory = REGISTRY[name]
    except KeyError as exc:
        raise UnknownModel(name) from exc
    return factory(**config)
