"""The audit trail is append-only in the database itself (revision 0006), and the documented
least-privilege role runs the app on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from dashboard.web.app import create_app
from db.engine import make_engine, make_session_factory, session_scope
from db.models import Prediction
from db.repo_predictions import record_prediction
from tests.conftest import make_settings
from tests.dashboard.signin import sign_in

ROLE_SQL = Path(__file__).parents[2] / "scripts/postgres/app_role.sql"


def _row(i: int) -> dict[str, object]:
    return {
        "created_at": datetime.now(UTC),
        "request_id": f"req-{i}",
        "source": "api",
        "model_name": "fusion",
        "model_version": 1,
        "image_sha256": f"{i:064d}",
        "text_length": 0,
        "category": "Watches",
        "confidence": 0.9,
        "probabilities": {"Watches": 0.9},
        "latency_ms": 3.0,
        "drift_features": {},
    }


def _count(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(Prediction)).scalar_one()
    engine.dispose()
    return int(count)


def _record(url: str, i: int) -> None:
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        record_prediction(session, **_row(i))
    engine.dispose()


def _refused(url: str, statement: str) -> str:
    engine = make_engine(url)
    try:
        with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()
    return str(caught.value.orig)


def test_updates_and_deletes_of_the_audit_trail_are_refused(migrated_url: str) -> None:
    _record(migrated_url, 1)
    statements = ["UPDATE predictions SET category = 'Computers'", "DELETE FROM predictions"]
    if migrated_url.startswith("postgresql"):
        statements.append("TRUNCATE predictions CASCADE")  # reviews refer to it
    for statement in statements:
        said = _refused(migrated_url, statement)
        assert "refused: the audit trail is append-only" in said, said
    assert _count(migrated_url) == 1
    _record(migrated_url, 2)  # adding to it still works
    assert _count(migrated_url) == 2


def test_reviews_are_append_only_and_a_later_decision_supersedes(migrated_url: str) -> None:
    from db.repo_reviews import add_review, latest_reviews_of

    _record(migrated_url, 1)
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    decision = {
        "subject": "prediction",
        "prediction_id": 1,
        "shown_category": "Watches",
        "decision": "confirm",
        "category": "Watches",
    }
    with session_scope(sessions) as session:
        add_review(session, **decision)
    with session_scope(sessions) as session:
        add_review(session, **{**decision, "decision": "correct", "category": "Computers"})
    engine.dispose()
    statements = ["UPDATE reviews SET category = 'Baby Care'", "DELETE FROM reviews"]
    if migrated_url.startswith("postgresql"):
        statements.append("TRUNCATE reviews")
    for statement in statements:
        said = _refused(migrated_url, statement)
        assert "on reviews refused" in said, said
    engine = make_engine(migrated_url)
    with session_scope(make_session_factory(engine)) as session:
        newest = latest_reviews_of(session, [1])
        assert newest[1].category == "Computers"
        assert session.scalar(text("SELECT count(*) FROM reviews")) == 2
    engine.dispose()


def test_shadow_answers_and_model_events_are_append_only(migrated_url: str) -> None:
    """What a shadow answered and who changed what serves stay as recorded (revision 0012)."""
    from db.repo_models import add_event, add_model_version
    from db.repo_shadow import add_shadow_answer

    _record(migrated_url, 1)
    engine = make_engine(migrated_url)
    with session_scope(make_session_factory(engine)) as session:
        version = add_model_version(
            session, name="fusion", version=2, artifact_path="/nowhere", backbone=None,
            params_count=None, metrics={},
        )  # fmt: skip
        add_shadow_answer(
            session, prediction_id=1, model_version_id=version.id, model_name="fusion",
            model_version=2, category="Computers", confidence=0.6,
            probabilities={"Computers": 0.6}, needs_review=False, prediction_set=["Computers"],
            review_reasons="", latency_ms=4.0,
        )  # fmt: skip
        add_event(session, "promote", "fusion", 2, replaced_version=1, username="ada")
    engine.dispose()
    for table, column in (("shadow_answers", "category"), ("model_events", "action")):
        statements = [f"UPDATE {table} SET {column} = 'x'", f"DELETE FROM {table}"]
        if migrated_url.startswith("postgresql"):
            statements.append(f"TRUNCATE {table}")
        for statement in statements:
            said = _refused(migrated_url, statement)
            assert f"on {table} refused" in said, said


def test_the_margin_column_is_filled_for_rows_recorded_before_it(database_url: str) -> None:
    """Revision 0010 adds predictions.margin to rows already in the append-only trail, and the
    trail is append-only again afterwards."""
    from dashboard.web.resources import migrations_dir
    from db import migrations

    migrations.upgrade(database_url, migrations_dir(), "0009")
    engine = make_engine(database_url)
    columns = ", ".join(k for k in _row(0) if k != "created_at")
    with engine.begin() as conn:
        for i, probabilities in enumerate(['{"Watches": 0.55, "Computers": 0.35}', '{"A": 1.0}']):
            values = {**_row(i), "probabilities": probabilities, "drift_features": "{}"}
            values.pop("created_at")
            conn.execute(
                text(
                    f"INSERT INTO predictions (created_at, fallback, needs_review, {columns}) "
                    f"VALUES (CURRENT_TIMESTAMP, false, false, "
                    + ", ".join(f":{k}" for k in values)
                    + ")"
                ),
                values,
            )
    engine.dispose()
    migrations.upgrade(database_url, migrations_dir())
    engine = make_engine(database_url)
    with engine.connect() as conn:
        margins = conn.execute(text("SELECT margin FROM predictions ORDER BY id")).scalars()
        assert [round(m, 6) for m in margins] == [0.2, 1.0]
    engine.dispose()
    said = _refused(database_url, "UPDATE predictions SET margin = 0")
    assert "refused: the audit trail is append-only" in said


@pytest.fixture
def app_role_url(postgres_url: str) -> Iterator[str]:
    """The database as the README's least-privilege role sees it (migrated by the owner)."""
    from dashboard.web.resources import migrations_dir
    from db import migrations

    migrations.upgrade(postgres_url, migrations_dir())
    role = f"vitrine_app_{uuid.uuid4().hex[:8]}"
    owner = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.execute(text(ROLE_SQL.read_text().replace("vitrine_app", role)))
    try:
        yield make_url(postgres_url).set(username=role).render_as_string(hide_password=False)
    finally:
        with owner.connect() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
        owner.dispose()


def test_the_least_privilege_role_runs_the_app_but_cannot_rewrite_the_audit(
    tmp_path: Path, app_role_url: str
) -> None:
    from click.testing import CliRunner

    from dashboard.cli import main

    _record(app_role_url, 1)
    env = {"DATABASE_URL": app_role_url, "VITRINE_INSTANCE_DIR": str(tmp_path / "instance")}
    added = CliRunner().invoke(
        main, ["users", "add", "ana", "--role", "auditor", "--password", "long enough"], env=env
    )
    assert added.exit_code == 0, added.output
    app = create_app(make_settings(tmp_path, app_role_url, auth="required"))
    client = app.test_client()
    assert sign_in(client, "ana", "long enough").status_code == 302
    decided = client.post(
        "/api/reviews", json={"prediction_id": 1, "decision": "correct", "category": "Computers"}
    )
    assert decided.status_code == 201, decided.get_json()
    listed = client.get("/api/audit/predictions").get_json()
    assert [item["request_id"] for item in listed["items"]] == ["req-1"]
    assert listed["items"][0]["latest_review"]["category"] == "Computers"
    assert client.get("/api/audit/predictions?format=csv").status_code == 200
    assert client.get("/api/health").get_json()["database"] == "ok"
    assert client.post("/logout").status_code == 302  # sessions are written and ended
    for statement in (
        "UPDATE predictions SET confidence = 0",
        "DELETE FROM predictions",
        "UPDATE reviews SET category = 'Watches'",
    ):
        assert "permission denied" in _refused(app_role_url, statement)
    assert _count(app_role_url) == 1
