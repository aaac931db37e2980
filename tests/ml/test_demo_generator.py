"""The demo catalogue: Flipkart's format, every category, deterministic for a seed, one concept
per product, and the art set of each photo recorded beside the CSV."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

from PIL import Image

from ml.catalogue import COLUMNS, load_catalogue
from ml.categories import CATEGORIES
from ml.demo.catalogue import ART_SETS, CSV_NAME, generate, read_art_sets
from ml.demo.concepts import concept_of
from ml.demo.photos import load_pack


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


def test_each_product_is_one_thing_in_photo_and_text(tmp_path: Path) -> None:
    generate(tmp_path, per_category=30, seed=2, progress=False)
    with (tmp_path / CSV_NAME).open(newline="") as handle:
        rows = {r["uniq_id"]: r for r in csv.DictReader(handle)}
    with (tmp_path / ART_SETS).open(newline="") as handle:
        drawn = list(csv.DictReader(handle))
    assert [d["uniq_id"] for d in drawn] == list(rows)  # one side-file row per product, in order
    named = 0
    for d in drawn:
        row = rows[d["uniq_id"]]
        category = row["product_category_tree"].split('"')[1].split(" >> ")[0]
        concept = concept_of(category, d["icon"])
        if "Combo Set" in row["product_name"]:
            continue  # generic names are noise on purpose
        named += 1
        assert any(t in row["product_name"] for t in concept.types), (d["icon"], row)
        if row["description"]:
            assert f"Key Features of {row['product_name']}" in row["description"]
    assert named > 150
    # A baby bottle is sold as a bottle, never as mittens.
    bottles = [rows[d["uniq_id"]]["product_name"] for d in drawn if "bottle" in d["icon"]]
    assert bottles and not any("Mittens" in name for name in bottles)


def test_art_sets_are_recorded_beside_the_csv(tmp_path: Path) -> None:
    generate(tmp_path, per_category=40, seed=0, progress=False)
    art_sets = read_art_sets(tmp_path)
    assert len(art_sets) == 40 * len(CATEGORIES)
    pack_sets = {icon.set for icons in load_pack().values() for icon in icons}
    assert set(art_sets.values()) == pack_sets  # every set drawn, and no other
    assert not pack_sets & {"openmoji", "streamline"}  # kept for validation outside the project
    assert read_art_sets(tmp_path / "Images") == {}  # a folder with no side file


def test_every_icon_of_the_pack_stands_for_a_concept() -> None:
    for category, icons in load_pack().items():
        for icon in icons:
            concept = concept_of(category, icon.name)
            assert concept.types and concept.level2 and concept.level3
