"""Suspect labels: labels flipped on purpose are found by cleanlab on out-of-fold answers,
with their evidence, and the list survives a save and load."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ml import label_issues
from ml.features import CatalogueData
from ml.training import find_suspect_labels
from tests.ml.synthetic import CLASSES, synthetic


def _catalogue(labels: np.ndarray) -> CatalogueData:
    n = len(labels)
    return CatalogueData(
        ids=[f"p{i:03d}" for i in range(n)],
        labels=labels,
        splits=np.array(["train"] * n),
        texts=("",) * n,
        image_shas=[""] * n,
        image_paths=[Path("unused")] * n,
    )


def test_flipped_labels_are_found_with_their_evidence(tmp_path: Path) -> None:
    inputs, labels = synthetic(40, seed=5)  # 280 products
    rng = np.random.default_rng(0)
    flipped = rng.choice(len(labels), 9, replace=False)  # about 3%
    noisy = labels.copy()
    for i in flipped:
        noisy[i] = rng.choice([c for c in CLASSES if c != labels[i]])
    data = _catalogue(noisy)
    issues = find_suspect_labels("fusion", inputs, data)
    assert issues is not None
    found = {i.uniq_id for i in issues}
    truth = {data.ids[i] for i in flipped}
    recall = len(found & truth) / len(truth)
    precision = len(found & truth) / len(found)
    assert recall >= 0.8 and precision >= 0.6, (recall, precision, len(found))
    first = issues[0]
    row = data.ids.index(first.uniq_id)
    assert first.rank == 1 and first.given == noisy[row]
    assert first.suggested != first.given
    assert first.probabilities[first.suggested] > first.probabilities[first.given]
    assert [i.quality for i in issues] == sorted(i.quality for i in issues)  # most suspect first
    assert len(first.neighbours) == 3 and first.uniq_id not in {n.uniq_id for n in first.neighbours}
    assert {n.category for n in first.neighbours} <= set(CLASSES)
    # A flipped product's neighbours carry its true label, the evidence a reviewer reads.
    if first.uniq_id in truth:
        true = labels[row]
        assert sum(n.category == true for n in first.neighbours) >= 2

    label_issues.save(issues, tmp_path)
    assert label_issues.load(tmp_path) == issues
    assert label_issues.load(tmp_path / "elsewhere") is None


def test_a_clean_catalogue_has_few_suspects() -> None:
    inputs, labels = synthetic(40, seed=6)
    issues = find_suspect_labels("fusion", inputs, _catalogue(labels))
    assert issues is not None and len(issues) <= 0.03 * len(labels)


def test_too_small_a_category_skips_the_search() -> None:
    inputs, labels = synthetic(3, seed=1)
    labels[0] = "only_one"
    assert find_suspect_labels("fusion", inputs, _catalogue(labels)) is None
