"""Every model registers itself, timm-style: `@register_model(name, ...)` on its class records
what it is for, what its ONNX head reads and which models it is built from. Training, serving
and the dashboard read these cards instead of branching on model names."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
import torch
from torch import nn

from ml import artifacts
from ml.models.inputs import ModelInputs
from ml.onnx_export import export

# primary: answers when there is text; fallback: a candidate for image-only answers (the one
# that holds up best under style shift serves); comparison: trained and shown, never serves.
Role = Literal["primary", "fallback", "comparison"]
Model = TypeVar("Model", bound=type)


@dataclass(frozen=True)
class ModelCard:
    name: str
    factory: Callable[..., Any]
    description: str
    role: Role = "comparison"
    inputs: tuple[str, ...] = ()  # what its ONNX head reads; () for a model with no head
    members: tuple[str, ...] = ()  # fitted models it is built from (a soft vote)
    # A timm ViT with local weights may stand in for it, as a linear probe on that ViT.
    timm_substitute: bool = False
    reads_image: bool = True  # False: its latency has no backbone pass


CARDS: dict[str, ModelCard] = {}


def register_model(
    name: str,
    *,
    description: str,
    role: Role = "comparison",
    inputs: Sequence[str] = (),
    members: Sequence[str] = (),
    timm_substitute: bool = False,
    reads_image: bool = True,
) -> Callable[[Model], Model]:
    def register(cls: Model) -> Model:
        if name in CARDS:
            raise ValueError(f"model {name!r} is registered twice")
        CARDS[name] = ModelCard(
            name,
            cls,
            description,
            role,
            tuple(inputs),
            tuple(members),
            timm_substitute,
            reads_image,
        )
        return cls

    return register


class ServedModel:
    """A model with an ONNX head over backbone outputs (and, for a text reader, TF-IDF)."""

    def serving_module(self) -> nn.Module:
        """The fitted head as one exportable module: the card's inputs in, logits out."""
        raise NotImplementedError

    def serving_arrays(self, X: ModelInputs) -> dict[str, np.ndarray]:
        arrays = (X.embeddings, X.fmaps, X.stage_features)
        return dict(zip(artifacts.BACKBONE_OUTPUTS, arrays, strict=True))

    def export_serving(self, X: ModelInputs, inputs: Sequence[str], folder: Path) -> None:
        arrays = self.serving_arrays(X.take([0]))
        example = tuple(torch.from_numpy(np.ascontiguousarray(arrays[name])) for name in inputs)
        head = folder / artifacts.HEAD
        export(self.serving_module(), example, list(inputs), [artifacts.LOGITS], head)
