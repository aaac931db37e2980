"""The schema is only ever built by Alembic, and the revisions match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from dashboard.web.resources import migrations_dir
from db import migrations
from db.engine import make_engine
from db.models import Base

TABLES = {"products", "model_versions", "predictions", "drift_reports", "users", "api_tokens"}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(database_url: str) -> None:
    migrations.upgrade(database_url, migrations_dir())
    assert _tables(database_url) == TABLES

    migrations.downgrade(database_url, migrations_dir(), "base")
    assert _tables(database_url) == set()

    migrations.upgrade(database_url, migrations_dir())
    assert _tables(database_url) == TABLES
    engine = make_engine(database_url)
    assert migrations.current_revision(engine) == migrations.head_revision(migrations_dir())
    engine.dispose()


def test_models_and_migrations_agree(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_audit_filters_are_indexed(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    indexed = {tuple(index["column_names"]) for index in inspect(engine).get_indexes("predictions")}
    engine.dispose()
    for columns in [
        ("created_at",),
        ("category", "created_at"),
        ("source", "created_at"),
        ("model_version_id", "created_at"),
        ("confidence",),
    ]:
        assert columns in indexed, columns
