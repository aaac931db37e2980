"""What every model is: its name, role, what its ONNX head reads and which models it is built
from, as data. Training, serving and the dashboard read these cards instead of branching on
model names.

The cards name their classes by import path instead of holding them: the model classes are
PyTorch and scikit-learn code that only training needs, and a serving install has no PyTorch
(ONNX Runtime serves). `ModelCard.factory` imports the class when a model is built.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Literal

from ml.artifacts import TFIDF

# primary: answers when there is text; fallback: a candidate for image-only answers (the one
# that holds up best under style shift serves); comparison: trained and shown, never serves.
Role = Literal["primary", "fallback", "comparison"]


@dataclass(frozen=True)
class ModelCard:
    name: str
    factory_path: str  # "module:Class", imported by `factory`
    description: str
    role: Role = "comparison"
    inputs: tuple[str, ...] = ()  # what its ONNX head reads; () for a model with no head
    members: tuple[str, ...] = ()  # fitted models it is built from (a soft vote)
    # A timm ViT with local weights may stand in for it, as a linear probe on that ViT.
    timm_substitute: bool = False
    reads_image: bool = True  # False: its latency has no backbone pass
    # Fitted on augmented views of the training photos as well, when training asks for views
    # (ml.views): cheap for a linear probe; a neural head's epochs would grow with every view.
    learns_from_views: bool = False
    # False: its fit seeds and draws from PyTorch's global generator, so two fits at once in
    # threads (style-shift folds) would draw from each other's and differ run to run.
    fits_in_threads: bool = True

    @property
    def factory(self) -> Any:
        """The model's class (importing it needs the `train` extra for most models)."""
        module, _, attribute = self.factory_path.partition(":")
        return getattr(importlib.import_module(module), attribute)


_CARDS = (
    ModelCard(
        "fusion",
        "ml.models.fusion:FusionClassifier",
        "Late fusion of the image embedding and TF-IDF text (primary)",
        role="primary",
        inputs=("embedding", TFIDF),
    ),
    ModelCard(
        "baseline",
        "ml.models.linear:LinearProbeClassifier",
        "Linear probe on the image embedding",
        role="fallback",
        inputs=("embedding",),
        learns_from_views=True,
    ),
    ModelCard(
        "stage_probe",
        "ml.models.linear:StageProbeClassifier",
        "Linear probe on the embedding and pooled earlier backbone stages, image only",
        role="fallback",
        inputs=("stages",),
        learns_from_views=True,
    ),
    ModelCard(
        "vit",
        "ml.models.vit:ViTClassifier",
        "Vision Transformer over the backbone's feature-map tokens, image only",
        role="fallback",
        inputs=("fmap",),
        timm_substitute=True,
        fits_in_threads=False,
    ),
    ModelCard(
        "text",
        "ml.models.linear:TextClassifier",
        "TF-IDF + logistic regression, text only",
        reads_image=False,
    ),
    ModelCard(
        "pancan_lite",
        "ml.models.pancan:PanCANLiteClassifier",
        "Grid cells + context over the cell graph (2 orders) + multi-scale, image only",
        fits_in_threads=False,
    ),
    ModelCard(
        "ensemble",
        "ml.models.ensemble:SoftVoteClassifier",
        "Soft vote of the image-only models (baseline, vit, pancan_lite)",
        members=("baseline", "vit", "pancan_lite"),
    ),
)
CARDS: dict[str, ModelCard] = {card.name: card for card in _CARDS}
