"""Reviews on SQLite and PostgreSQL: the queue's filters and counts, recording decisions through
the API (with its refusals), the audit CSV's review columns, agreement figures, and the Review
page's buttons refusing a viewer as the API does."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from dashboard.services.review_queue import QueueQuery, review_queue
from dashboard.services.reviews import agreement_figures
from dashboard.services.users import hash_password
from dashboard.web.app import create_app
from dashboard.web.context import services as services_of
from db.engine import session_scope
from db.models import Prediction, Review
from db.repo_users import add_user
from tests.conftest import make_settings
from tests.dashboard.signin import sign_in

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path, migrated_url):  # type: ignore[no-untyped-def]
    return make_settings(tmp_path, migrated_url)


def _row(i: int, category: str, top: float, second: float, **flags: bool) -> dict[str, Any]:
    runner_up = "Computers" if category != "Computers" else "Watches"
    return {
        "created_at": NOW - timedelta(minutes=i),
        "request_id": f"req-{i}",
        "source": "api",
        "model_name": "fusion",
        "model_version": 1,
        "image_sha256": f"{i:064d}",
        "text_length": 0,
        "category": category,
        "confidence": top,
        "margin": top - second,
        "probabilities": {category: top, runner_up: second},
        "fallback": flags.get("fallback", False),
        "needs_review": flags.get("needs_review", False),
        "latency_ms": 3.0,
        "drift_features": {},
    }


# id 1: sure, in no queue; 2: a near tie; 3: flagged; 4: a fallback that is also a near tie;
# 5: sure and flagged (Computers).
ROWS = [
    _row(1, "Watches", 0.95, 0.03),
    _row(2, "Watches", 0.48, 0.40),
    _row(3, "Baby Care", 0.70, 0.20, needs_review=True),
    _row(4, "Watches", 0.45, 0.35, fallback=True),
    _row(5, "Computers", 0.90, 0.05, needs_review=True),
]


@pytest.fixture
def queued(app):  # type: ignore[no-untyped-def]
    with session_scope(services_of(app).sessions) as session:
        session.execute(insert(Prediction), ROWS)
    return app


def _ids(app: Any, **query: Any) -> list[int]:
    found = review_queue(services_of(app), QueueQuery.model_validate(query))
    return [item.prediction.id for item in found.items]


def test_the_queue_holds_flagged_near_ties_and_fallbacks_with_counts(queued: Any) -> None:
    assert _ids(queued) == [2, 4, 3, 5]  # nearest tie first: margins 0.08, 0.10, 0.50, 0.85
    found = review_queue(services_of(queued), QueueQuery())
    assert found.counts == {"needs_review": 2, "low_margin": 2, "fallback": 1, "total": 4}
    assert _ids(queued, reason="needs_review") == [3, 5]
    assert _ids(queued, reason="fallback") == [4]
    assert _ids(queued, category="Watches") == [2, 4]
    assert review_queue(services_of(queued), QueueQuery(max_margin=0.6)).counts["low_margin"] == 3
    assert _ids(queued, sort="confidence") == [4, 2, 3, 5]
    assert _ids(queued, sort="-created_at") == [2, 3, 4, 5]


def test_a_decision_takes_the_item_out_of_the_queue_and_into_the_audit(queued: Any) -> None:
    client = queued.test_client()
    recorded = client.post(
        "/api/reviews",
        json={
            "prediction_id": 2,
            "decision": "correct",
            "category": "Computers",
            "comment": "=cmd|' /C calc'!A0 a laptop",
        },
    )
    assert recorded.status_code == 201, recorded.get_json()
    body = recorded.get_json()
    assert body["shown"] == {
        "model": "fusion",
        "model_version": 1,
        "category": "Watches",
        "confidence": pytest.approx(0.48),
    }
    assert (body["decision"], body["category"], body["subject"]) == (
        "correct",
        "Computers",
        "prediction",
    )
    assert 2 not in _ids(queued)
    assert _ids(queued, status="reviewed") == [2]
    # A later decision supersedes the earlier one; both stay on record.
    client.post("/api/reviews", json={"prediction_id": 2, "decision": "confirm"})
    listed = client.get("/api/reviews?prediction_id=2").get_json()
    assert [r["decision"] for r in listed["items"]] == ["confirm", "correct"]
    audit = client.get("/api/audit/predictions?sort=created_at&page_size=10").get_json()
    by_id = {item["prediction_id"]: item for item in audit["items"]}
    assert by_id[2]["latest_review"]["decision"] == "confirm"
    assert by_id[1]["latest_review"] is None
    # The CSV (COPY on PostgreSQL) holds the newest review's columns, formulas defused, before
    # the shadow's answer (none here).
    client.post(
        "/api/reviews",
        json={"prediction_id": 3, "decision": "correct", "category": "Watches", "comment": "=1+1"},
    )
    text = client.get("/api/audit/predictions?format=csv&sort=created_at").get_data(as_text=True)
    rows = {int(r["prediction_id"]): r for r in csv.DictReader(io.StringIO(text))}
    header = next(csv.reader(io.StringIO(text)))
    assert header[-9:] == [
        "review_decision",
        "reviewed_category",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
        "shadow_model",
        "shadow_version",
        "shadow_category",
        "shadow_confidence",
    ]
    assert all(r["shadow_category"] == "" for r in rows.values())
    assert (rows[2]["review_decision"], rows[2]["reviewed_category"]) == ("confirm", "Watches")
    assert (rows[3]["reviewed_category"], rows[3]["review_comment"]) == ("Watches", "'=1+1")
    assert rows[3]["reviewed_at"].endswith("+00:00")
    assert rows[1]["review_decision"] == rows[1]["reviewed_at"] == ""


@pytest.mark.parametrize(
    ("body", "status", "said"),
    [
        ({"prediction_id": 99, "decision": "confirm"}, 404, "No prediction has the number 99"),
        ({"product_id": "nope", "decision": "confirm"}, 404, "No catalogue product"),
        ({"prediction_id": 2, "decision": "correct"}, 422, "needs the right category"),
        ({"prediction_id": 2, "decision": "correct", "category": "Watches"}, 422, "other than"),
        ({"prediction_id": 2, "decision": "confirm", "category": "Computers"}, 422, "correct"),
        ({"prediction_id": 2, "decision": "correct", "category": "Toys"}, 422, "unknown category"),
        ({"decision": "confirm"}, 422, "either prediction_id or product_id"),
        ({"prediction_id": 2, "decision": "confirm", "comment": "a\x00b"}, 422, "control"),
        ({"prediction_id": 2, "decision": "confirm", "comment": "x" * 1001}, 422, "1000"),
    ],
)
def test_refused_decisions_say_why_and_record_nothing(
    queued: Any, body: dict[str, Any], status: int, said: str
) -> None:
    response = queued.test_client().post("/api/reviews", json=body)
    assert response.status_code == status
    assert said in json.dumps(response.get_json()), response.get_json()
    with session_scope(services_of(queued).sessions) as session:
        assert session.scalar(select(func.count()).select_from(Review)) == 0


def test_agreement_counts_the_newest_decision_per_prediction(queued: Any) -> None:
    client = queued.test_client()
    for body in (
        {"prediction_id": 2, "decision": "correct", "category": "Computers"},
        {"prediction_id": 2, "decision": "confirm"},  # supersedes the correction
        {"prediction_id": 4, "decision": "correct", "category": "Baby Care"},
        {"prediction_id": 5, "decision": "confirm"},
    ):
        assert client.post("/api/reviews", json=body).status_code == 201
    figures = {
        (a.category, a.reviewed, a.confirmed) for a in agreement_figures(services_of(queued))
    }
    assert figures == {("Watches", 2, 1), ("Computers", 1, 1)}
    page = client.get("/review?status=reviewed").get_data(as_text=True)
    assert page.count("<title>") == 1  # the page itself renders through Dash (browser tests)


def _decide_body(client: Any, prediction_id: int, categories: list[str], chosen: str) -> dict:  # type: ignore[type-arg]
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if "review-outcome" in d["output"])
    decide = [
        {
            "id": {"type": "review-decide", "item": prediction_id, "category": c},
            "property": "n_clicks",
            "value": 1 if c == chosen else None,
        }
        for c in categories
    ]
    return {
        "output": dep["output"],
        "outputs": [
            {"id": {"type": "review-outcome", "item": prediction_id}, "property": "children"},
            [{"id": d["id"], "property": "disabled"} for d in decide],
        ],
        "inputs": [decide],
        "state": [
            {
                "id": {"type": "review-comment", "item": prediction_id},
                "property": "value",
                "value": "checked the photo",
            }
        ],
        "changedPropIds": [
            json.dumps(
                decide[categories.index(chosen)]["id"], sort_keys=True, separators=(",", ":")
            )
            + ".n_clicks"
        ],
    }


def test_the_page_buttons_need_the_same_role_as_the_api(tmp_path: Path, sqlite_url: str) -> None:
    from dashboard.web.resources import migrations_dir
    from db import migrations

    migrations.upgrade(sqlite_url, migrations_dir())
    app = create_app(make_settings(tmp_path, sqlite_url, auth="required"))
    with session_scope(services_of(app).sessions) as session:
        session.execute(insert(Prediction), ROWS)
        for role in ("viewer", "auditor"):
            add_user(session, role, hash_password("long enough"), role)
    categories = ["Watches", "Computers", "Baby Care"]
    for role, said in (("viewer", "needs the auditor role"), ("auditor", "corrected to Computers")):
        client = app.test_client()
        assert sign_in(client, role, "long enough").status_code == 302
        answer = client.post(
            "/_dash-update-component", json=_decide_body(client, 2, categories, "Computers")
        )
        assert answer.status_code == 200, answer.get_data(as_text=True)
        outcome = answer.get_json()["response"]
        assert said in json.dumps(outcome), outcome
    with session_scope(services_of(app).sessions) as session:
        reviews = list(session.scalars(select(Review)))
        assert [(r.username, r.category, r.comment) for r in reviews] == [
            ("auditor", "Computers", "checked the photo")
        ]


def test_the_models_page_activate_button_needs_the_admin_role(
    tmp_path: Path, sqlite_url: str
) -> None:
    from dashboard.web.resources import migrations_dir
    from db import migrations

    migrations.upgrade(sqlite_url, migrations_dir())
    app = create_app(make_settings(tmp_path, sqlite_url, auth="required"))
    with session_scope(services_of(app).sessions) as session:
        for role in ("auditor", "admin"):
            add_user(session, role, hash_password("long enough"), role)
    button = {"type": "models-reviews-activate", "name": "fusion", "version": 9}
    for role, said in (("auditor", "needs the admin role"), ("admin", "no version 9 of model")):
        client = app.test_client()
        assert sign_in(client, role, "long enough").status_code == 302
        deps = client.get("/_dash-dependencies").get_json()
        dep = next(d for d in deps if d["output"] == "models-reviews-status.children")
        answer = client.post(
            "/_dash-update-component",
            json={
                "output": dep["output"],
                "outputs": {"id": "models-reviews-status", "property": "children"},
                "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
                "state": [],
                "changedPropIds": [
                    json.dumps(button, sort_keys=True, separators=(",", ":")) + ".n_clicks"
                ],
            },
        )
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert said in json.dumps(answer.get_json()["response"])
