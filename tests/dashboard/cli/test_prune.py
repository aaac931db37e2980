"""`vitrine data prune`: uploads past their retention go, then the least recently used until
the rest fit the cap; catalogue images stay whatever their age."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from click.testing import CliRunner

from dashboard.cli import main
from dashboard.services import imagestore
from dashboard.services.state import Services
from dashboard.settings import Settings
from db.engine import session_scope
from db.models import Product

DAY = 24 * 3600


def _stored(settings: Settings, data: bytes, age_days: float) -> Path:
    path = imagestore.store_bytes(settings.data_dir, data, hashlib.sha256(data).hexdigest())
    then = time.time() - age_days * DAY
    os.utime(path, (then, then))
    return path


def test_prune_keeps_the_catalogue_and_the_newest_uploads_within_the_cap(
    settings: Settings,
) -> None:
    settings = settings.model_copy(
        update={"upload_retention_days": 30, "upload_max_total_mb": 1.5}
    )
    mb = 1024 * 1024
    catalogue = _stored(settings, b"c" * mb, age_days=400)
    expired = _stored(settings, b"e" * 1000, age_days=31)
    older = _stored(settings, b"o" * mb, age_days=3)
    newer = _stored(settings, b"n" * mb, age_days=1)
    services = Services.from_settings(settings)
    with session_scope(services.sessions) as session:
        session.add(
            Product(
                uniq_id="p1",
                product_name="A watch",
                category="Watches",
                category_tree='["Watches"]',
                image_file="p1.jpg",
                image_sha256=catalogue.stem,
                split="train",
            )
        )
    env = {
        "DATABASE_URL": settings.database_url,
        "VITRINE_DATA_DIR": str(settings.data_dir),
        "VITRINE_UPLOAD_RETENTION_DAYS": "30",
        "VITRINE_UPLOAD_MAX_TOTAL_MB": "1.5",
    }
    runner = CliRunner()
    dry = runner.invoke(main, ["data", "prune", "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert "would remove 2 uploaded photo(s) (1.0 MB); kept 1 (1.0 MB of 1.5 MB)" in dry.output
    assert all(p.exists() for p in (catalogue, expired, older, newer))
    done = runner.invoke(main, ["data", "prune"], env=env)
    assert done.exit_code == 0 and "removed 2 uploaded photo(s)" in done.output
    assert [p.exists() for p in (catalogue, expired, older, newer)] == [True, False, False, True]


def test_using_an_upload_again_restarts_its_retention(settings: Settings) -> None:
    old = _stored(settings, b"x" * 100, age_days=200)
    imagestore.store_bytes(settings.data_dir, b"x" * 100, old.stem)
    assert time.time() - old.stat().st_mtime < DAY
