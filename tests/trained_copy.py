"""A private copy of the trained test instance's database, for tests whose state (jobs listed
on a page, versions put in shadow) must not meet other tests' state."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from dashboard.settings import Settings
from tests.conftest import make_settings


def copy_database(source: Path, target: Path) -> None:
    """Through SQLite's backup API, never as a file: closing a file descriptor of a database
    drops every POSIX lock this process holds on it, and the connections other tests left open
    to the trained instance then meet a WAL another process rebuilt ("disk I/O error")."""
    source_db, target_db = sqlite3.connect(source), sqlite3.connect(target)
    try:
        source_db.backup(target_db)
    finally:
        target_db.close()
        source_db.close()


def trained_copy(root: Path, trained_settings: Settings, **overrides: Any) -> Settings:
    """Settings on a copy of the trained database in `root`, reading the trained models (their
    versions name the original artifact folders) and writing data to `root`."""
    root.mkdir(parents=True, exist_ok=True)
    source = trained_settings.instance_dir.parent / "vitrine.db"
    copy_database(source, root / "vitrine.db")
    copied = sqlite3.connect(root / "vitrine.db")
    try:  # jobs other tests ran on the trained instance are theirs, not this copy's
        copied.execute("DELETE FROM batch_jobs")
        copied.commit()
    finally:
        copied.close()
    settings = make_settings(root, f"sqlite:///{root / 'vitrine.db'}")
    return settings.model_copy(
        update={"artifacts_dir": trained_settings.artifacts_dir, **overrides}
    )
