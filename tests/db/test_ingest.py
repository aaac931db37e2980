"""Ingesting a catalogue: idempotent, keeps splits, stores images by hash; SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from dashboard.cli import main
from dashboard.services.ingest import ingest_catalogue
from dashboard.services.state import Services
from db.engine import session_scope
from db.repo_catalogue import get_product, product_splits
from ml.demo.catalogue import CSV_NAME, generate
from tests.catalogue_helpers import quirks_catalogue
from tests.conftest import make_settings


def _services(tmp_path: Path, url: str) -> Services:
    return Services.from_settings(make_settings(tmp_path, url))


def test_reingest_updates_and_never_duplicates(tmp_path: Path, migrated_url: str) -> None:
    services = _services(tmp_path, migrated_url)
    csv_path, images = quirks_catalogue(tmp_path / "src")
    first = ingest_catalogue(services, csv_path, images, progress=False)
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    assert first.report.skipped_count == 6

    with session_scope(services.sessions) as session:
        before = product_splits(session)
    second = ingest_catalogue(services, csv_path, images, progress=False)
    # Nothing changed in the file: nothing is said to be updated.
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 3)
    with session_scope(services.sessions) as session:
        assert len(product_splits(session)) == 3
        assert product_splits(session) == before
        curtain = get_product(session, "55b85ea15a1536d46b7190ad6fff8ce7")
        assert curtain is not None and "\n" in curtain.description
        assert curtain.product_rating is None


def test_new_products_get_a_split_and_old_ones_keep_theirs(
    tmp_path: Path, migrated_url: str
) -> None:
    services = _services(tmp_path, migrated_url)
    small = generate(tmp_path / "small", per_category=8, seed=0, progress=False)
    ingest_catalogue(services, small, tmp_path / "small/Images", progress=False)
    with session_scope(services.sessions) as session:
        before = product_splits(session)
    # A bigger catalogue with the same seed holds the first 8 products of each category too.
    big = generate(tmp_path / "big", per_category=12, seed=0, progress=False)
    result = ingest_catalogue(services, big, tmp_path / "big/Images", progress=False)
    assert (result.inserted, result.updated, result.unchanged) == (28, 0, 56)
    with session_scope(services.sessions) as session:
        after = product_splits(session)
    assert len(after) == 84
    assert all(after[pid] == split for pid, split in before.items())
    assert set(after.values()) == {"train", "validation", "test"}


def test_images_are_stored_once_by_hash(tmp_path: Path, migrated_url: str) -> None:
    services = _services(tmp_path, migrated_url)
    csv_path, images = quirks_catalogue(tmp_path / "src")
    ingest_catalogue(services, csv_path, images, progress=False)
    stored = list((services.settings.data_dir / "images").rglob("*.jpg"))
    assert len(stored) == 3
    assert all(len(p.stem) == 64 for p in stored)


def test_cli_ingest_reports_and_fails_when_nothing_loads(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {"DATABASE_URL": url, "VITRINE_DATA_DIR": str(tmp_path / "data")}
    csv_path, images = quirks_catalogue(tmp_path / "src")
    ok = CliRunner().invoke(
        main, ["data", "ingest", str(csv_path), "--images", str(images)], env=env
    )
    assert ok.exit_code == 0, ok.output
    assert "Loaded 3 of 9 rows (3 new, 0 updated, 0 unchanged); skipped 6." in ok.output
    assert "unknown category: 1 (first: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3)" in ok.output

    empty_images = tmp_path / "empty"
    empty_images.mkdir()
    none = CliRunner().invoke(
        main, ["data", "ingest", str(csv_path), "--images", str(empty_images)], env=env
    )
    assert none.exit_code == 1
    assert none.output.strip().splitlines()[-1] == "Error: nothing was loaded"

    missing = CliRunner().invoke(
        main, ["data", "ingest", str(tmp_path / "nope.csv"), "--images", str(images)], env=env
    )
    assert missing.exit_code == 1
    assert "no such file" in missing.output


def test_cli_demo_builds_and_loads_the_catalogue(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "VITRINE_DATA_DIR": str(tmp_path / "data"),
    }
    args = ["demo", "--no-serve", "--per-category", "4"]
    first = CliRunner().invoke(main, args, env=env)
    assert first.exit_code == 0, first.output
    assert "(28 new, 0 updated, 0 unchanged)" in first.output
    assert (tmp_path / "data/demo" / CSV_NAME).exists()
    again = CliRunner().invoke(main, args, env=env)
    assert "reusing" in again.output and "(0 new, 0 updated, 28 unchanged)" in again.output
