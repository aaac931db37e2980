"""Data quality: exact duplicates (same image bytes), near duplicates (image embeddings almost
parallel) and leaky pairs (duplicates split across train and test, which flatter test scores)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

DEFAULT_THRESHOLD = 0.93


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    similarity: float
    exact: bool
    leaky: bool


@dataclass
class QualityReport:
    products: int
    threshold: float
    pairs: list[Pair] = field(default_factory=list)

    @property
    def exact(self) -> list[Pair]:
        return [p for p in self.pairs if p.exact]

    @property
    def near(self) -> list[Pair]:
        return [p for p in self.pairs if not p.exact]

    @property
    def leaky(self) -> list[Pair]:
        return [p for p in self.pairs if p.leaky]


def _leaky(split_a: str, split_b: str) -> bool:
    return {split_a, split_b} == {"train", "test"} or {split_a, split_b} == {"validation", "test"}


def find_duplicates(
    ids: Sequence[str],
    image_shas: Sequence[str],
    embeddings: np.ndarray,
    splits: Sequence[str],
    threshold: float = DEFAULT_THRESHOLD,
    chunk: int = 2048,
) -> QualityReport:
    """All pairs with identical images or cosine similarity >= threshold, most similar first."""
    report = QualityReport(len(ids), threshold)
    seen: set[tuple[int, int]] = set()
    by_hash: dict[str, list[int]] = defaultdict(list)
    for i, sha in enumerate(image_shas):
        by_hash[sha].append(i)
    for members in by_hash.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                seen.add((i, j))
                report.pairs.append(Pair(ids[i], ids[j], 1.0, True, _leaky(splits[i], splits[j])))
    norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
    unit = (embeddings / np.where(norms == 0, 1, norms)).astype(np.float32)
    for start in range(0, len(unit), chunk):
        scores = unit[start : start + chunk] @ unit.T
        rows, cols = np.nonzero(scores >= threshold)
        for r, c in zip(rows, cols, strict=True):
            i, j = start + int(r), int(c)
            if j <= i or (i, int(j)) in seen:
                continue
            report.pairs.append(
                Pair(
                    ids[i],
                    ids[int(j)],
                    float(scores[r, j]),
                    False,
                    _leaky(splits[i], splits[int(j)]),
                )
            )
    report.pairs.sort(key=lambda p: (-p.similarity, p.a, p.b))
    return report
