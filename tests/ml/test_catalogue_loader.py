"""The Flipkart loader keeps every quirk of the real file and reports what it skips."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml.catalogue import CatalogueError, category_levels, load_catalogue, parse_number
from tests.catalogue_helpers import quirks_catalogue


@pytest.fixture
def report(tmp_path: Path):  # type: ignore[no-untyped-def]
    csv_path, images = quirks_catalogue(tmp_path)
    return load_catalogue(csv_path, images)


def test_good_rows_load_with_their_quirks(report) -> None:  # type: ignore[no-untyped-def]
    by_id = {r.uniq_id: r for r in report.records}
    assert len(report.records) == 3
    curtain = by_id["55b85ea15a1536d46b7190ad6fff8ce7"]
    assert curtain.category == "Home Furnishing"
    assert curtain.retail_price == 1899.0 and curtain.discounted_price == 899.0
    assert curtain.product_rating is None  # "No rating available"
    assert '"soft"' in curtain.description and "\n" in curtain.description
    assert curtain.description.count(",") >= 2
    assert curtain.category_tree.startswith('["Home Furnishing >> Curtains')
    assert curtain.specifications is not None and '"key"=>"Brand"' in curtain.specifications
    assert curtain.is_fk_advantage is False
    assert len(curtain.image_sha256) == 64

    towel = by_id["7b72c92c2f6c40268628ec5f14c6d590"]
    assert towel.category == "Baby Care" and towel.product_rating == 4.5

    bare = by_id["64d5d4a258243731dc7bbb1eef49ad74"]
    assert bare.description == "" and bare.retail_price is None and bare.brand is None


def test_bad_rows_are_skipped_and_reported_by_reason(report) -> None:  # type: ignore[no-untyped-def]
    assert report.rows == 9
    assert dict(report.skipped) == {
        "missing image": ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa4"],
        "undecodable image": ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2"],
        "unknown category": ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3"],
        "missing required field": ["row 7"],
        "duplicate uniq_id in file": ["55b85ea15a1536d46b7190ad6fff8ce7"],
    }


def test_missing_columns_and_unreadable_files_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,price\nA,1\n")
    with pytest.raises(CatalogueError, match="uniq_id"):
        load_catalogue(bad, tmp_path)
    with pytest.raises(CatalogueError, match="no such file"):
        load_catalogue(tmp_path / "absent.csv", tmp_path)


@pytest.mark.parametrize(
    ("tree", "levels"),
    [
        ('["Watches >> Wrist Watches >> Titan"]', ["Watches", "Wrist Watches", "Titan"]),
        ('["Kitchen & Dining >> Mugs"]', ["Kitchen & Dining", "Mugs"]),
        ('["Baby Care"]', ["Baby Care"]),
        ("Computers >> Mouse", ["Computers", "Mouse"]),
        ("", []),
    ],
)
def test_category_levels(tree: str, levels: list[str]) -> None:
    assert category_levels(tree) == levels


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,299", 1299.0), ("899", 899.0), ("No rating available", None), ("", None), ("nan", None)],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value
