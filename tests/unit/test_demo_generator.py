"""The demo catalogue: Flipkart's format, every category, deterministic for a seed."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

from PIL import Image

from ml.catalogue import COLUMNS, load_catalogue
from ml.categories import CATEGORIES
from ml.demo.catalogue import CSV_NAME, generate


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", per_category=3, seed=5, progress=False)
    generate(tmp_path / "b", per_category=3, seed=5, progress=False)
    generate(tmp_path / "c", per_category=3, seed=6, progress=False)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_format_matches_flipkart_and_loads(tmp_path: Path) -> None:
    csv_path = generate(tmp_path, per_category=12, seed=0, progress=False)
    assert csv_path.name == CSV_NAME
    with csv_path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        rows = list(reader)
    assert len(rows) == 12 * len(CATEGORIES)
    # Rows are shuffled, not in blocks per category.
    assert len({r["product_category_tree"].split(" >> ")[0] for r in rows[:7]}) > 1
    assert any(r["product_rating"] == "No rating available" for r in rows)
    assert all(
        r["description"].startswith("Key Features of") or r["description"] == "" for r in rows
    )

    report = load_catalogue(csv_path, tmp_path / "Images")
    assert report.skipped_count == 0
    assert Counter(r.category for r in report.records) == {c: 12 for c in CATEGORIES}
    with Image.open(tmp_path / "Images" / rows[0]["image"]) as image:
        assert image.format == "JPEG" and image.size == (224, 224)
    assert "CC-BY-4.0" in (tmp_path / "ATTRIBUTION.md").read_text()


def test_text_is_imperfect_on_purpose(tmp_path: Path) -> None:
    generate(tmp_path, per_category=40, seed=1, progress=False)
    report = load_catalogue(tmp_path / CSV_NAME, tmp_path / "Images")
    empty = sum(1 for r in report.records if not r.description)
    generic = sum(1 for r in report.records if "Combo Set" in r.product_name)
    total = len(report.records)
    assert 0.01 < empty / total < 0.12
    assert 0.04 < generic / total < 0.25
