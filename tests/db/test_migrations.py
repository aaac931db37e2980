"""The schema is only ever built by Alembic, and the revisions match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from dashboard.web.resources import migrations_dir
from db import migrations
from db.engine import make_engine
from db.models import Base, include_object

TABLES = {
    "products",
    "model_versions",
    "predictions",
    "drift_reports",
    "drift_alerts",
    "reviews",
    "label_issues",
    "shadow_answers",
    "model_events",
    "batch_jobs",
    "users",
    "api_tokens",
    "user_sessions",
}


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
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
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


def test_revision_0005_keeps_accounts_and_tokens_and_never_reuses_ids(database_url: str) -> None:
    """SQLite rebuilds `users` for AUTOINCREMENT; the tokens that point at it must survive."""
    migrations.upgrade(database_url, migrations_dir(), "0004")
    engine = make_engine(database_url)
    with engine.begin() as conn:
        for name in ("ana", "bo"):
            conn.execute(
                text(
                    "INSERT INTO users (username, password_hash, role, created_at) "
                    "VALUES (:name, 'x', 'viewer', CURRENT_TIMESTAMP)"
                ),
                {"name": name},
            )
        conn.execute(
            text(
                "INSERT INTO api_tokens (user_id, label, token_sha256, created_at) "
                "SELECT id, 'cli', :digest, CURRENT_TIMESTAMP FROM users WHERE username = 'bo'"
            ),
            {"digest": "f" * 64},
        )
    migrations.upgrade(database_url, migrations_dir())
    with engine.begin() as conn:
        owners = conn.execute(
            text("SELECT u.username FROM api_tokens t JOIN users u ON u.id = t.user_id")
        ).scalars()
        assert list(owners) == ["bo"]
        last = conn.execute(text("SELECT max(id) FROM users")).scalar_one()
        conn.execute(text("DELETE FROM users WHERE username = 'bo'"))
        conn.execute(
            text(
                "INSERT INTO users (username, password_hash, role, created_at) "
                "VALUES ('cy', 'x', 'admin', CURRENT_TIMESTAMP)"
            )
        )
        new = conn.execute(text("SELECT id FROM users WHERE username = 'cy'")).scalar_one()
        tokens = conn.execute(text("SELECT count(*) FROM api_tokens")).scalar_one()
    engine.dispose()
    assert new > last  # bo's id is not handed to cy
    assert tokens == 0  # and bo's token went with bo
