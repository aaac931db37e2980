"""Stratified 60/15/25 splits that never move an existing product."""

from __future__ import annotations

from collections import Counter

from ml.splits import assign_splits


def _catalogue(per_category: int, categories: str = "ABC") -> dict[str, str]:
    return {f"{c}{i}": c for c in categories for i in range(per_category)}


def test_first_load_is_stratified_per_category() -> None:
    splits = assign_splits(_catalogue(100), seed=0)
    for category in "ABC":
        counts = Counter(s for pid, s in splits.items() if pid.startswith(category))
        assert counts == {"train": 60, "validation": 15, "test": 25}


def test_same_seed_same_split_and_other_seed_differs() -> None:
    catalogue = _catalogue(40)
    assert assign_splits(catalogue, seed=3) == assign_splits(catalogue, seed=3)
    assert assign_splits(catalogue, seed=3) != assign_splits(catalogue, seed=4)


def test_existing_products_keep_their_split_and_new_ones_keep_proportions() -> None:
    first = assign_splits(_catalogue(100), seed=0)
    grown = {**_catalogue(100), **{f"A-new{i}": "A" for i in range(20)}}
    second = assign_splits(grown, existing=first, seed=0)
    assert all(second[pid] == split for pid, split in first.items())
    counts = Counter(s for pid, s in second.items() if pid.startswith("A"))
    assert counts == {"train": 72, "validation": 18, "test": 30}
