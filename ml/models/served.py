"""The export side of a model that serves: its fitted head as one ONNX graph."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ml import artifacts
from ml.models.inputs import ModelInputs
from ml.onnx_export import export


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
