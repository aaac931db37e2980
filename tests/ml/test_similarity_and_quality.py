"""Nearest neighbours and duplicate detection on small, hand-made vectors."""

from __future__ import annotations

import numpy as np

from ml.quality import find_duplicates
from ml.similarity import BruteForceIndex, FusedEmbedder


def test_search_orders_by_cosine_and_excludes_the_query() -> None:
    vectors = np.array([[1, 0], [0.9, 0.1], [0.5, 0.5], [0, 1], [-1, 0]], dtype=np.float32)
    index = BruteForceIndex(["a", "b", "c", "d", "e"], vectors)
    found = index.search(vectors[0], k=3, exclude="a")
    assert [n.id for n in found] == ["b", "c", "d"]
    assert found[0].score > found[1].score > found[2].score
    assert "a" not in [n.id for n in index.search(vectors[0], k=10, exclude="a")]
    assert len(index.search(vectors[0], k=10, exclude="a")) == 4


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
