"""The trained demo (SQLite, built once per run) made available on a PostgreSQL database."""

from __future__ import annotations

from dashboard.services.ingest import ingest_catalogue
from dashboard.services.state import Services
from dashboard.settings import Settings
from db.engine import session_scope
from db.repo_models import activate, active_versions, add_model_version


def copy_active_models(source: Settings, target_url: str) -> None:
    """The trained fusion and vit versions, registered in the PostgreSQL database too."""
    src = Services.from_settings(source)
    dst = Services.from_settings(source.model_copy(update={"database_url": target_url}))
    with session_scope(src.sessions) as a, session_scope(dst.sessions) as b:
        for name, row in active_versions(a).items():
            add_model_version(
                b,
                name=name,
                version=row.version,
                artifact_path=row.artifact_path,
                backbone=row.backbone,
                params_count=row.params_count,
                metrics=row.metrics,
            )
            activate(b, name, row.version)
    src.engine.dispose()
    dst.engine.dispose()


def copy_catalogue(source: Settings, target_url: str) -> None:
    """The demo catalogue the trained settings were built from, ingested into PostgreSQL."""
    root = source.data_dir.parent
    [csv_path] = (root / "demo").glob("flipkart_*.csv")  # beside it: art_sets.csv
    target = Services.from_settings(source.model_copy(update={"database_url": target_url}))
    ingest_catalogue(target, csv_path, root / "demo/Images", progress=False)
    target.engine.dispose()
