"""Nearest neighbours (exact and HNSW) and duplicate detection on small vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ml.quality import find_duplicates
from ml.similarity import BruteForceIndex, FusedEmbedder, HnswIndex, build_index


def test_search_orders_by_cosine_and_excludes_the_query() -> None:
    vectors = np.array([[1, 0], [0.9, 0.1], [0.5, 0.5], [0, 1], [-1, 0]], dtype=np.float32)
    index = BruteForceIndex(["a", "b", "c", "d", "e"], vectors)
    found = index.search(vectors[0], k=3, exclude="a")
    assert [n.id for n in found] == ["b", "c", "d"]
    assert found[0].score > found[1].score > found[2].score
    assert "a" not in [n.id for n in index.search(vectors[0], k=10, exclude="a")]
    assert len(index.search(vectors[0], k=10, exclude="a")) == 4


def _clustered(n: int, width: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, width)).astype(np.float32)
    rows = centres[rng.integers(0, 40, n)] + 1.2 * rng.standard_normal((n, width))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_hnsw_finds_nearly_the_exact_neighbours() -> None:
    vectors = _clustered(5000, 96)
    ids = [f"p{i}" for i in range(len(vectors))]
    exact, graph = BruteForceIndex(ids, vectors), HnswIndex(ids, vectors)
    overlap = []
    for i in range(0, 5000, 50):
        want = [n.id for n in exact.search(vectors[i], k=10, exclude=ids[i])]
        got = graph.search(vectors[i], k=10, exclude=ids[i])
        assert ids[i] not in [n.id for n in got] and len(got) == 10
        assert [n.score for n in got] == sorted((n.score for n in got), reverse=True)
        overlap.append(len(set(want) & {n.id for n in got}) / 10)
    assert np.mean(overlap) >= 0.95, np.mean(overlap)
    assert np.allclose(graph.vector("p7"), vectors[7], atol=1e-6)
    assert graph.vector("unknown") is None


def test_hnsw_on_a_tiny_catalogue_answers_what_it_can() -> None:
    vectors = np.array([[1, 0], [0.9, 0.1], [0, 1]], dtype=np.float32)
    graph = HnswIndex(["a", "b", "c"], vectors)
    assert [n.id for n in graph.search(vectors[0], k=10, exclude="a")] == ["b", "c"]
    assert [n.id for n in graph.search(vectors[0], k=1)] == ["a"]
    assert graph.search(vectors[0], k=0) == []


def test_hnsw_graph_is_saved_and_read_back_while_the_catalogue_is_unchanged(
    tmp_path: Path,
) -> None:
    vectors = _clustered(2000, 32)
    ids = [f"p{i}" for i in range(len(vectors))]
    built = HnswIndex(ids, vectors, cache_dir=tmp_path)
    assert not built.loaded and built.path is not None and built.path.exists()
    # The next process (another worker, a restart) reads the graph and answers the same.
    again = HnswIndex(ids, vectors, cache_dir=tmp_path)
    assert again.loaded and again.path == built.path
    for i in (0, 777, 1999):
        assert again.search(vectors[i], k=10) == built.search(vectors[i], k=10)
    # A changed catalogue builds a new graph, which replaces the old file.
    changed = HnswIndex([*ids[:-1], "new"], vectors, cache_dir=tmp_path)
    assert not changed.loaded and changed.path != built.path
    assert [f.name for f in tmp_path.iterdir()] == [changed.path.name]  # type: ignore[union-attr]
    # A damaged file is rebuilt rather than trusted.
    changed.path.write_bytes(b"not a graph")  # type: ignore[union-attr]
    rebuilt = HnswIndex([*ids[:-1], "new"], vectors, cache_dir=tmp_path)
    assert not rebuilt.loaded and len(rebuilt.search(vectors[0], k=10)) == 10
    assert HnswIndex([*ids[:-1], "new"], vectors, cache_dir=tmp_path).loaded


@pytest.mark.parametrize(
    ("size", "kind", "expected"),
    [
        (100, "auto", BruteForceIndex),
        (20_000, "auto", HnswIndex),
        (100, "hnsw", HnswIndex),
        (20_000, "exact", BruteForceIndex),
    ],
)
def test_index_kind_follows_size_and_setting(size: int, kind: str, expected: type) -> None:
    vectors = _clustered(size, 8)
    index = build_index([str(i) for i in range(size)], vectors, kind)  # type: ignore[arg-type]
    assert isinstance(index, expected) and len(index) == size


def test_fused_embedding_uses_text_when_there_is_some() -> None:
    rng = np.random.default_rng(0)
    images = rng.normal(size=(6, 16))
    texts = ["red watch", "red watch strap", "blue teapot", "blue teapot set", "lamp", "lamp"]
    embedder = FusedEmbedder(text_dims=3).fit(images, texts)
    same_image = np.repeat(images[:1], 2, axis=0)
    fused = embedder.transform(same_image, ["red watch", ""])
    assert np.allclose(np.linalg.norm(fused, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(fused[0], fused[1])  # the text part is zero without text


def test_duplicates_exact_near_and_leaky() -> None:
    base = np.eye(4, dtype=np.float32)
    embeddings = np.vstack([base, base[0] + 0.01, base[1]])
    ids = ["a", "b", "c", "d", "a2", "b2"]
    shas = ["h1", "h2", "h3", "h4", "h5", "h2"]  # b2 is byte-identical to b
    splits = ["train", "train", "test", "test", "test", "validation"]
    report = find_duplicates(ids, shas, embeddings, splits, threshold=0.99)
    assert [(p.a, p.b) for p in report.exact] == [("b", "b2")]
    assert [(p.a, p.b) for p in report.near] == [("a", "a2")]
    assert [(p.a, p.b) for p in report.leaky] == [("a", "a2")]  # train/test, not train/validation
