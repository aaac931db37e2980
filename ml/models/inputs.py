"""What every model is fitted on: backbone features plus the product text, row-aligned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ModelInputs:
    embeddings: np.ndarray  # [N, D] pooled backbone output
    fmaps: np.ndarray  # [N, C, H, W] backbone feature map
    texts: tuple[str, ...]  # name + description, "" when there is none

    def __post_init__(self) -> None:
        if not (len(self.embeddings) == len(self.fmaps) == len(self.texts)):
            raise ValueError("embeddings, feature maps and texts must have the same length")

    def __len__(self) -> int:
        return len(self.texts)

    def take(self, index: np.ndarray | Sequence[int]) -> ModelInputs:
        idx = np.asarray(index)
        return ModelInputs(self.embeddings[idx], self.fmaps[idx], tuple(self.texts[i] for i in idx))


def product_text(name: str | None, description: str | None) -> str:
    """The text the models read: the name, then the description."""
    return " ".join(part.strip() for part in (name or "", description or "") if part.strip())
