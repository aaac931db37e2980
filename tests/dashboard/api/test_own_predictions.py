"""A viewer sees only their own predictions (auditors and admins see all), on the API, the
Explain page and its background pixel job; each audit row names who asked."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import pytest
from flask import Flask

from dashboard.services.training import catalogue_data
from dashboard.services.users import hash_password, new_token
from dashboard.settings import Settings
from dashboard.web.app import create_app
from dashboard.web.context import services as services_of
from db.engine import session_scope
from db.repo_predictions import get_prediction
from db.repo_users import add_token, add_user
from tests.dashboard.api.dash_routing import route_page, run_pixel_job
from tests.dashboard.signin import sign_in

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def people(trained_settings: Settings) -> tuple[Flask, dict[str, str], dict[str, str]]:
    """The trained demo with access control on: two viewers, an auditor; names, tokens."""
    app = create_app(trained_settings.model_copy(update={"auth": "required"}))
    suffix = uuid.uuid4().hex[:6]
    names = {role: f"{role}-{suffix}" for role in ("ana", "bo", "auditor")}
    tokens = {}
    with session_scope(services_of(app).sessions) as session:
        for key, name in names.items():
            user = add_user(
                session, name, hash_password(PASSWORD), "auditor" if key == "auditor" else "viewer"
            )
            token, digest = new_token()
            add_token(session, user, "tests", digest)
            tokens[key] = token
    return app, names, tokens


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def anas_prediction(people: Any) -> int:
    app, _names, tokens = people
    product = catalogue_data(services_of(app)).ids[0]
    answer = app.test_client().post(
        "/api/predict", json={"product_id": product}, headers=_bearer(tokens["ana"])
    )
    assert answer.status_code == 200, answer.get_json()
    return int(answer.get_json()["prediction_id"])


def test_each_audit_row_names_who_asked(people: Any, anas_prediction: int) -> None:
    app, names, tokens = people
    with session_scope(services_of(app).sessions) as session:
        row = get_prediction(session, anas_prediction)
        assert row is not None and row.username == names["ana"] and row.user_id is not None
    exported = app.test_client().get(
        "/api/audit/predictions?format=csv&source=api", headers=_bearer(tokens["auditor"])
    )
    records = csv.DictReader(io.StringIO(exported.get_data(as_text=True)))
    [record] = [r for r in records if r["prediction_id"] == str(anas_prediction)]
    assert record["username"] == names["ana"]


def test_the_api_shows_a_prediction_only_to_its_owner_and_auditors(
    people: Any, anas_prediction: int
) -> None:
    app, _names, tokens = people
    path = f"/api/predictions/{anas_prediction}/explanation"
    client = app.test_client()
    assert client.get(path, headers=_bearer(tokens["ana"])).status_code == 200
    assert client.get(path, headers=_bearer(tokens["auditor"])).status_code == 200
    other = client.get(path, headers=_bearer(tokens["bo"]))
    # Exactly the answer for a number that does not exist: nothing tells it is someone's.
    missing = client.get("/api/predictions/999999/explanation", headers=_bearer(tokens["bo"]))
    assert other.status_code == missing.status_code == 404
    assert other.get_json()["error"]["message"] == f"no prediction #{anas_prediction}"


def test_a_decision_report_follows_who_may_see_the_prediction(
    people: Any, anas_prediction: int
) -> None:
    app, _names, tokens = people
    client = app.test_client()
    for fmt in ("html", "pdf"):
        path = f"/api/predictions/{anas_prediction}/report?format={fmt}"
        assert client.get(path, headers=_bearer(tokens["ana"])).status_code == 200
        assert client.get(path, headers=_bearer(tokens["auditor"])).status_code == 200
        other = client.get(path, headers=_bearer(tokens["bo"]))
        assert other.status_code == 404 and other.mimetype == "application/json"
        assert other.get_json()["error"]["message"] == f"no prediction #{anas_prediction}"
    assert client.get(f"/api/predictions/{anas_prediction}/report").status_code == 401


def test_the_explain_page_shows_a_prediction_only_to_its_owner(
    people: Any, anas_prediction: int
) -> None:
    app, names, _tokens = people
    shown = {}
    for key in ("ana", "bo", "auditor"):
        client = app.test_client()
        assert sign_in(client, names[key], PASSWORD).status_code == 302
        shown[key] = route_page(client, "/explain", f"?prediction={anas_prediction}")
    assert f"Prediction #{anas_prediction}" in shown["ana"]
    assert f"Prediction #{anas_prediction}" in shown["auditor"]
    assert f"Prediction #{anas_prediction}" not in shown["bo"]
    assert f"no prediction #{anas_prediction}" in shown["bo"]
    assert "data:image" not in shown["bo"]  # not the photo either


def test_a_forged_pixel_job_is_refused(people: Any, anas_prediction: int) -> None:
    app, names, _tokens = people
    client = app.test_client()
    sign_in(client, names["bo"], PASSWORD)
    forged = run_pixel_job(client, {"id": anas_prediction, "target": "Watches"})
    said = json.dumps(forged)
    assert "This page did not ask for that map" in said and "data:image" not in said


def _props_of(node: Any, ident: str) -> dict[str, Any]:
    """The props of the component with id `ident` in a serialised Dash layout."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if props.get("id") == ident:
            return dict(props)
        children = props.get("children") if "props" in node else list(node.values())
        return _props_of(children, ident)
    for child in node if isinstance(node, list) else []:
        found = _props_of(child, ident)
        if found:
            return found
    return {}


def test_the_pixel_job_the_page_signed_runs(people: Any, anas_prediction: int) -> None:
    app, names, _tokens = people
    client = app.test_client()
    sign_in(client, names["ana"], PASSWORD)
    page = json.loads(route_page(client, "/explain", f"?prediction={anas_prediction}"))
    signed = _props_of(page, "explain-pixels-request")["data"]
    assert set(signed) == {"job"} and str(anas_prediction) not in signed["job"].split(".")[-1]
    ran = json.dumps(run_pixel_job(client, signed))
    assert "Pixel-level map ready" in ran and "data:image" in ran


def test_the_page_says_when_background_jobs_are_unavailable(
    trained_settings: Settings, anas_prediction: int
) -> None:
    """Pixel maps queue through Redis when it is configured: with Redis down, the status line
    says why at once, instead of an error (or a wait) that nobody sees."""
    down = trained_settings.model_copy(update={"cache_url": "redis://127.0.0.1:9/0"})
    client = create_app(down).test_client()
    page = json.loads(route_page(client, "/explain", f"?prediction={anas_prediction}"))
    shown = run_pixel_job(client, _props_of(page, "explain-pixels-request")["data"])
    assert shown["explain-pixels-status"]["children"] == (
        "Background jobs are unavailable: Redis does not answer. Try again shortly."
    )
    assert shown["explain-pixels-start"]["disabled"] is False  # it can be tried again


def test_pixel_budgets_are_capped_by_role(people: Any, anas_prediction: int) -> None:
    app, _names, tokens = people
    path = f"/api/predictions/{anas_prediction}/explanation?max_evals="
    client = app.test_client()
    over = client.get(path + "2000&mode=pixels", headers=_bearer(tokens["ana"]))
    assert over.status_code == 403
    assert over.get_json()["error"] == {
        "code": "max_evals_over_cap",
        "message": "Your role may ask for up to 300 evaluations; auditors and admins up to 2000.",
        "details": {"cap": 300},
    }
    assert client.get(path + "300", headers=_bearer(tokens["ana"])).status_code == 200
    assert client.get(path + "2000", headers=_bearer(tokens["auditor"])).status_code == 200


def test_a_predictions_photo_is_shown_to_whom_its_explanation_is(
    people: Any, anas_prediction: int
) -> None:
    from PIL import Image

    app, _names, tokens = people
    client = app.test_client()
    path = f"/api/predictions/{anas_prediction}/photo"
    for who in ("ana", "auditor"):
        answer = client.get(path + "?size=48", headers=_bearer(tokens[who]))
        assert answer.status_code == 200 and answer.mimetype == "image/jpeg"
        assert answer.headers["Cache-Control"].startswith("private")
        photo = Image.open(io.BytesIO(answer.data))
        assert max(photo.size) == 48  # fitted, not the stored original
    # Another viewer: as if it did not exist, like its explanation.
    hidden = client.get(path, headers=_bearer(tokens["bo"]))
    assert hidden.status_code == 404 and hidden.get_json()["error"]["code"] == "photo_not_found"
    assert client.get(path).status_code == 401
    refused = client.get(path + "?size=5000", headers=_bearer(tokens["ana"]))
    assert refused.status_code == 422 and "48, 96, 224" in refused.get_json()["error"]["message"]
    etag = client.get(path, headers=_bearer(tokens["ana"])).headers["ETag"]
    again = client.get(path, headers={**_bearer(tokens["ana"]), "If-None-Match": etag})
    assert again.status_code == 304
