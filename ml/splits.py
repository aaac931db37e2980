"""Stratified train/validation/test assignment that never moves an existing product."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping

SPLITS: tuple[str, ...] = ("train", "validation", "test")
DEFAULT_FRACTIONS: Mapping[str, float] = {"train": 0.60, "validation": 0.15, "test": 0.25}


def assign_splits(
    categories: Mapping[str, str],
    existing: Mapping[str, str] | None = None,
    *,
    seed: int = 0,
    fractions: Mapping[str, float] = DEFAULT_FRACTIONS,
) -> dict[str, str]:
    """Split for every product id in `categories` (id -> category).

    Products in `existing` keep their split. New ones are placed, per category, in a seeded
    order, each into the split furthest below its target share, so a first load is stratified
    60/15/25 and later loads keep every category close to it.
    """
    existing = existing or {}
    result = {pid: existing[pid] for pid in categories if pid in existing}
    by_category: dict[str, list[str]] = defaultdict(list)
    for pid, category in categories.items():
        if pid not in result:
            by_category[category].append(pid)
    for category, new_ids in by_category.items():
        counts = Counter(result[pid] for pid in result if categories[pid] == category)
        total = sum(counts.values())
        for pid in sorted(new_ids, key=lambda p: _order_key(seed, p)):
            total += 1
            split = max(SPLITS, key=lambda s: (fractions[s] * total - counts[s], fractions[s]))
            counts[split] += 1
            result[pid] = split
    return result


def _order_key(seed: int, product_id: str) -> str:
    return hashlib.sha256(f"{seed}:{product_id}".encode()).hexdigest()
