"""GET /api/health answers 200 with a working database and 503 JSON without one."""

from __future__ import annotations

from pathlib import Path

from dashboard.web.app import create_app
from tests.conftest import make_settings


def test_health_ok(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["version"]
    assert response.headers["X-Request-ID"]


def test_health_reports_unreachable_database(tmp_path: Path) -> None:
    # Nothing listens on port 1: the database part fails, the app itself still answers.
    settings = make_settings(
        tmp_path, "postgresql+psycopg2://postgres@127.0.0.1:1/nothing?connect_timeout=2"
    )
    response = create_app(settings).test_client().get("/api/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "unavailable"
    assert body["error"]["details"]["component"] == "database"
    assert "Traceback" not in response.get_data(as_text=True)


def test_unknown_api_path_and_method_are_json(client) -> None:  # type: ignore[no-untyped-def]
    missing = client.get("/api/does-not-exist")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"

    wrong_method = client.post("/api/health")
    assert wrong_method.status_code == 405
    assert wrong_method.get_json()["error"]["code"] == "method_not_allowed"


def test_request_id_from_proxy_is_kept_when_safe(client) -> None:  # type: ignore[no-untyped-def]
    kept = client.get("/api/health", headers={"X-Request-ID": "lb-1234"})
    assert kept.headers["X-Request-ID"] == "lb-1234"
    replaced = client.get("/api/health", headers={"X-Request-ID": "bad id; DROP TABLE x"})
    assert replaced.headers["X-Request-ID"] != "bad id; DROP TABLE x"
    assert len(replaced.headers["X-Request-ID"]) == 32
