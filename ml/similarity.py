"""Similar products: a fused image + text embedding and a small nearest-neighbour index.

The fused embedding is the L2-normalised, standardised image embedding next to an
L2-normalised SVD projection of the product text, weighted; a product without text uses its
image part only. Two indexes answer `VectorIndex`: exact brute-force cosine search in numpy,
and FAISS's HNSW graph for large catalogues, where brute force costs ~20 ms a query at 100k
products against well under 1 ms for the graph (benchmarks/similarity_search.py). Building the
graph takes ~45 s at 100k products, so it is saved and each later process (every gunicorn
worker, every restart) reads it back while the catalogue is unchanged.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
from sklearn.decomposition import TruncatedSVD

from ml.models.inputs import tfidf

log = logging.getLogger(__name__)


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
    ids: list[str]

    def __len__(self) -> int: ...

    def vector(self, product_id: str) -> np.ndarray | None: ...

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


class HnswIndex:
    """Approximate cosine search (inner product of unit vectors) on FAISS's HNSW graph.

    `ef_search` trades speed for recall; at M=32 and ef_search=128 recall@10 on clustered
    catalogues of the real width is about 0.98 (benchmarks/similarity_search.py).
    """

    def __init__(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        *,
        m: int = 32,
        ef_construction: int = 80,
        ef_search: int = 128,
        cache_dir: Path | None = None,
    ) -> None:
        import faiss  # imported here: only large catalogues pay for loading it

        if len(ids) != len(vectors):
            raise ValueError("one id per vector")
        self.ids = list(ids)
        self.position = {pid: i for i, pid in enumerate(self.ids)}
        unit = np.ascontiguousarray(_unit(np.asarray(vectors, dtype=np.float32)))
        self.path = _graph_path(cache_dir, self.ids, unit, m, ef_construction)
        self.loaded = self.path is not None and self.path.exists()
        self._index: Any = None  # faiss ships no types
        if self.loaded:
            try:
                self._index = faiss.read_index(str(self.path))
            except RuntimeError as exc:  # a damaged file: build afresh and overwrite it
                log.warning("similarity index %s unreadable (%s); rebuilding", self.path, exc)
                self.loaded = False
        if not self.loaded:
            self._index = faiss.IndexHNSWFlat(unit.shape[1], m, faiss.METRIC_INNER_PRODUCT)
            self._index.hnsw.efConstruction = ef_construction
            self._index.add(unit)
            if self.path is not None:
                _save(self._index, self.path)
        self._index.hnsw.efSearch = ef_search

    def __len__(self) -> int:
        return len(self.ids)

    def vector(self, product_id: str) -> np.ndarray | None:
        index = self.position.get(product_id)
        return None if index is None else np.asarray(self._index.reconstruct(index))

    def search(self, vector: np.ndarray, k: int, exclude: str | None = None) -> list[Neighbour]:
        query = _unit(np.atleast_2d(vector).astype(np.float32))
        skip = self.position.get(exclude) if exclude is not None else None
        wanted = max(0, min(k, len(self.ids) - (skip is not None)))
        if wanted == 0:
            return []
        # One more than asked when the query product itself is in the graph.
        scores, found = self._index.search(query, wanted + (skip is not None))
        pairs = [(int(i), float(s)) for i, s in zip(found[0], scores[0], strict=True) if i >= 0]
        return [Neighbour(self.ids[i], s) for i, s in pairs if i != skip][:wanted]


def _graph_path(
    cache_dir: Path | None, ids: list[str], unit: np.ndarray, m: int, ef_construction: int
) -> Path | None:
    """Named after everything the graph is built from, so a stale file is never read."""
    if cache_dir is None:
        return None
    digest = hashlib.blake2b(f"{m},{ef_construction},{unit.shape}".encode(), digest_size=16)
    digest.update("\0".join(ids).encode())
    digest.update(unit.tobytes())
    return cache_dir / f"hnsw-{digest.hexdigest()}.faiss"


def _save(index: Any, path: Path) -> None:
    """Write atomically (workers may build at once) and drop the graphs of older catalogues."""
    import faiss

    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".hnsw-", suffix=".tmp")
        os.close(fd)
        faiss.write_index(index, tmp)
        os.replace(tmp, path)
        for old in path.parent.glob("hnsw-*.faiss"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, RuntimeError) as exc:  # read-only or full disk: the next process rebuilds
        log.warning("similarity index not saved to %s: %s", path, exc)
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


IndexKind = Literal["auto", "exact", "hnsw"]
EXACT_BELOW = 20_000  # brute force stays exact and under ~3 ms a query up to here


def build_index(
    ids: Sequence[str],
    vectors: np.ndarray,
    kind: IndexKind = "auto",
    cache_dir: Path | None = None,
) -> BruteForceIndex | HnswIndex:
    """The exact index for small catalogues (or when asked), the HNSW graph above that.

    The graph is saved in `cache_dir` (when given) and read back by the next call with the
    same ids and vectors.
    """
    if kind == "exact" or (kind == "auto" and len(ids) < EXACT_BELOW):
        return BruteForceIndex(ids, vectors)
    return HnswIndex(ids, vectors, cache_dir=cache_dir)
