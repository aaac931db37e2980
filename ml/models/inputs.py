"""What every model is fitted on: backbone features plus the product text, row-aligned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


@dataclass(frozen=True)
class ModelInputs:
    embeddings: np.ndarray  # [N, D] pooled backbone output
    fmaps: np.ndarray  # [N, C, H, W] backbone feature map
    texts: tuple[str, ...]  # name + description, "" when there is none
    stages: np.ndarray | None = None  # [N, S] pooled backbone stages (None: the embedding)

    def __post_init__(self) -> None:
        if not (len(self.embeddings) == len(self.fmaps) == len(self.texts)):
            raise ValueError("embeddings, feature maps and texts must have the same length")
        if self.stages is not None and len(self.stages) != len(self.texts):
            raise ValueError("stages and texts must have the same length")

    @property
    def stage_features(self) -> np.ndarray:
        return self.embeddings if self.stages is None else self.stages

    def __len__(self) -> int:
        return len(self.texts)

    def take(self, index: np.ndarray | Sequence[int]) -> ModelInputs:
        idx = np.asarray(index)
        return ModelInputs(
            self.embeddings[idx],
            self.fmaps[idx],
            tuple(self.texts[i] for i in idx),
            None if self.stages is None else self.stages[idx],
        )

    def extended(self, other: ModelInputs) -> ModelInputs:
        """These rows followed by `other`'s."""
        stages = None
        if self.stages is not None and other.stages is not None:
            stages = np.concatenate([self.stages, other.stages])
        return ModelInputs(
            np.concatenate([self.embeddings, other.embeddings]),
            np.concatenate([self.fmaps, other.fmaps]),
            self.texts + other.texts,
            stages,
        )


@dataclass(frozen=True)
class TrainingViews:
    """Augmented views of catalogue photos (`ml.views`): their inputs, row-aligned with
    `products`, the catalogue row each view was rendered from."""

    names: tuple[str, ...]
    inputs: ModelInputs
    products: np.ndarray  # [M] int, rows of the catalogue's ModelInputs

    def of(self, rows: np.ndarray) -> np.ndarray:
        """Indices into `inputs` of the views of catalogue `rows`."""
        return np.where(np.isin(self.products, rows))[0]


def product_text(name: str | None, description: str | None) -> str:
    """The text the models read: the name, then the description."""
    return " ".join(part.strip() for part in (name or "", description or "") if part.strip())


def tfidf(min_df: int = 2, max_features: int | None = 20000) -> TfidfVectorizer:
    """Words and word pairs, sublinear counts: the text representation every model shares."""
    return TfidfVectorizer(
        sublinear_tf=True,
        ngram_range=(1, 2),
        min_df=min_df,
        max_features=max_features,
        strip_accents="unicode",
    )
