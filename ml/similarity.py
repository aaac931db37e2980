"""Similar products: a fused image + text embedding and a small nearest-neighbour index.

The fused embedding is the L2-normalised, standardised image embedding next to an
L2-normalised SVD projection of the product text, weighted; a product without text uses its
image part only. Brute-force cosine search in numpy is the default, behind `VectorIndex`, so
pgvector or FAISS can replace it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from sklearn.decomposition import TruncatedSVD

from ml.models.linear import tfidf


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1, norms)


class FusedEmbedder:
    """Fitted on the catalogue: image standardisation, TF-IDF and its SVD."""

    def __init__(self, text_dims: int = 64, image_weight: float = 0.7) -> None:
        self.text_dims = text_dims
        self.image_weight = image_weight

    def fit(self, embeddings: np.ndarray, texts: Sequence[str]) -> FusedEmbedder:
        self.mean_ = embeddings.mean(axis=0)
        self.std_ = embeddings.std(axis=0) + 1e-6
        self.vectorizer_ = tfidf(min_df=1).fit(texts)
        matrix = self.vectorizer_.transform(texts)
        dims = max(1, min(self.text_dims, matrix.shape[1] - 1, len(texts) - 1))
        self.svd_ = TruncatedSVD(n_components=dims, random_state=0).fit(matrix)
        return self

    def transform(self, embeddings: np.ndarray, texts: Sequence[str | None]) -> np.ndarray:
        image = _unit((np.atleast_2d(embeddings) - self.mean_) / self.std_)
        cleaned = [t or "" for t in texts]
        text = _unit(self.svd_.transform(self.vectorizer_.transform(cleaned)))
        text[[not t.strip() for t in cleaned]] = 0.0
        fused = np.hstack([self.image_weight * image, (1 - self.image_weight) * text])
        return _unit(fused).astype(np.float32)


@dataclass(frozen=True)
class Neighbour:
    id: str
    score: float


class VectorIndex(Protocol):
    def search(self, vector: np.ndarray, k: int, exclude: str | None = None) -> list[Neighbour]: ...


class BruteForceIndex:
    """Exact cosine search over unit vectors: one matrix product, then a partial sort."""

    def __init__(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        if len(ids) != len(vectors):
            raise ValueError("one id per vector")
        self.ids = list(ids)
        self.vectors = _unit(np.asarray(vectors, dtype=np.float32))
        self.position = {pid: i for i, pid in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def vector(self, product_id: str) -> np.ndarray | None:
        index = self.position.get(product_id)
        return None if index is None else self.vectors[index]

    def search(self, vector: np.ndarray, k: int, exclude: str | None = None) -> list[Neighbour]:
        scores = self.vectors @ _unit(np.atleast_2d(vector).astype(np.float32))[0]
        if exclude is not None and exclude in self.position:
            scores[self.position[exclude]] = -np.inf
        k = max(0, min(k, len(scores) - (1 if exclude in self.position else 0)))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Neighbour(self.ids[i], float(scores[i])) for i in top]
