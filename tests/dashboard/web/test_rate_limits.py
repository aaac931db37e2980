"""Rate limits that cannot be dodged: a forged X-Forwarded-For buys nothing unless proxies are
trusted; pages and API share one budget; sign-ins are limited per account from any address;
Redis shares the counts between workers, and a Redis outage does not stop the counting."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from dashboard.settings import Settings
from dashboard.web.app import create_app
from dashboard.web.context import services as services_of
from dashboard.web.resources import migrations_dir
from db import migrations
from db.engine import session_scope
from db.repo_predictions import count_predictions
from db.repo_users import add_user
from tests.conftest import make_settings
from tests.dashboard.signin import sign_in

PASSWORD = "correct horse battery"


def _app(tmp_path: Path, url: str, **overrides: Any) -> Flask:
    migrations.upgrade(url, migrations_dir())
    return create_app(make_settings(tmp_path, url, **overrides))


def _predict_statuses(app: Flask, addresses: list[str]) -> list[int]:
    """POST /api/predict from each forged address (no image: a 400, but counted all the same)."""
    client = app.test_client()
    return [
        client.post("/api/predict", json={}, headers={"X-Forwarded-For": a}).status_code
        for a in addresses
    ]


def test_a_forged_forwarded_for_does_not_reset_the_limit(tmp_path: Path, sqlite_url: str) -> None:
    app = _app(tmp_path, sqlite_url, predict_rate_limit="3/minute")
    statuses = _predict_statuses(app, [f"203.0.113.{i}" for i in range(6)])
    assert statuses[:3] == [400, 400, 400] and statuses[3:] == [429, 429, 429]


def test_one_trusted_proxy_hop_tells_clients_apart(tmp_path: Path, sqlite_url: str) -> None:
    app = _app(tmp_path, sqlite_url, predict_rate_limit="3/minute", trusted_proxies=1)
    assert _predict_statuses(app, [f"203.0.113.{i}" for i in range(6)]) == [400] * 6
    # ...and only the last hop is believed: a client cannot prepend addresses of its own.
    forged = [f"198.51.100.{i}, 203.0.113.99" for i in range(5)]
    assert _predict_statuses(app, forged)[3:] == [429, 429]
    tls = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert tls.status_code == 200


def _callback_body(client: Any, output_id: str) -> dict[str, Any]:
    """The request Dash's renderer sends for the callback that writes `output_id`."""
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if f"..{output_id}." in d["output"])
    outputs = [
        {"id": part.split(".")[0], "property": part.split(".")[1]}
        for part in dep["output"].strip(".").split("...")
    ]
    return {
        "output": dep["output"],
        "outputs": outputs,
        "inputs": [{**i, "value": 1} for i in dep["inputs"]],
        "state": [{**s, "value": None} for s in dep["state"]],
        "changedPropIds": [f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"],
    }


@pytest.fixture
def trained_app(trained_settings: Settings) -> Flask:
    """The trained demo, with a small predict budget and counts of its own (a fresh app)."""
    return create_app(trained_settings.model_copy(update={"predict_rate_limit": "4/minute"}))


def _rows(app: Flask) -> int:
    with session_scope(services_of(app).sessions) as session:
        return count_predictions(session)


def test_the_predict_page_shares_the_apis_budget_and_says_so(trained_app: Flask) -> None:
    from dashboard.pages import predict
    from dashboard.services.training import catalogue_data

    product = catalogue_data(services_of(trained_app)).ids[0]
    client = trained_app.test_client()
    body = _callback_body(client, predict.RESULT)
    for item in body["state"]:
        if item["id"] == predict.PRODUCT:
            item["value"] = product
    before = _rows(trained_app)
    answers = [client.post("/_dash-update-component", json=body) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert _rows(trained_app) == before + 3
    api = client.post("/api/predict", json={"product_id": product})
    assert api.status_code == 200  # the 4th of the shared budget
    refused = client.post("/_dash-update-component", json=body)
    shown = json.dumps(refused.get_json()["response"])
    assert refused.status_code == 200 and "Too many predictions in a short time" in shown
    assert predict.STATUS in refused.get_json()["response"]  # said where the status is read
    assert client.post("/api/predict", json={"product_id": product}).status_code == 429
    assert _rows(trained_app) == before + 4  # nothing recorded past the limit


def test_other_callbacks_and_the_pages_are_not_counted(tmp_path: Path, sqlite_url: str) -> None:
    from tests.dashboard.api.dash_routing import route_page

    app = _app(tmp_path, sqlite_url, predict_rate_limit="2/minute")
    client = app.test_client()
    for _ in range(5):
        assert "Predict a category" in route_page(client, "/predict")
    assert _predict_statuses(app, ["192.0.2.1"] * 2) == [400, 400]


def _accounts(app: Flask, *names: str) -> None:
    from dashboard.services.users import hash_password

    with session_scope(services_of(app).sessions) as session:
        for name in names:
            add_user(session, name, hash_password(PASSWORD), "viewer")


def test_failed_sign_ins_lock_the_account_from_every_address(
    tmp_path: Path, sqlite_url: str
) -> None:
    app = _app(
        tmp_path, sqlite_url, auth="required", trusted_proxies=1, sign_in_lockout="5/15 minutes"
    )
    _accounts(app, "ana", "bo")
    for i in range(5):  # a botnet: each guess from another address
        client = app.test_client()
        wrong = sign_in(client, "ana", f"guess {i}", headers={"X-Forwarded-For": f"203.0.113.{i}"})
        assert wrong.status_code == 401
    locked = sign_in(app.test_client(), "ANA", PASSWORD, headers={"X-Forwarded-For": "192.0.2.7"})
    page = locked.get_data(as_text=True)
    assert locked.status_code == 429 and re.search(r"it is locked for \d+ more minute", page)
    assert 'role="alert"' in page and "Set-Cookie" not in locked.headers
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60  # until the window ends
    other = sign_in(app.test_client(), "bo", PASSWORD, headers={"X-Forwarded-For": "192.0.2.8"})
    assert other.status_code == 302  # another account is not affected


def test_successful_sign_ins_do_not_count_towards_the_lockout(
    tmp_path: Path, sqlite_url: str
) -> None:
    app = _app(tmp_path, sqlite_url, auth="required", sign_in_lockout="3/15 minutes")
    _accounts(app, "ana")
    for _ in range(5):
        assert sign_in(app.test_client(), "ana", PASSWORD).status_code == 302


def test_workers_share_counts_through_redis(
    tmp_path: Path, sqlite_url: str, redis_url: str
) -> None:
    first = _app(tmp_path / "a", sqlite_url, predict_rate_limit="4/minute", cache_url=redis_url)
    second = create_app(services_of(first).settings)
    assert _predict_statuses(first, ["192.0.2.1"] * 2) == [400, 400]
    assert _predict_statuses(second, ["192.0.2.1"] * 3) == [400, 400, 429]


def test_limits_keep_counting_in_memory_while_redis_is_down(
    tmp_path: Path, sqlite_url: str
) -> None:
    app = _app(
        tmp_path, sqlite_url, predict_rate_limit="3/minute", cache_url="redis://127.0.0.1:9/0"
    )
    assert _predict_statuses(app, ["192.0.2.1"] * 5) == [400, 400, 400, 429, 429]
