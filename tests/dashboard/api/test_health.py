"""GET /api/health answers 200 with a working database and 503 JSON without one, in bounded
time even when the link to the database is frozen; a Redis outage makes it degraded, not down."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from dashboard.services.state import result_cache
from dashboard.web.app import create_app
from dashboard.web.resources import migrations_dir
from db import migrations
from tests.conftest import make_settings
from tests.tcp_proxy import TcpProxy


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


def test_health_answers_503_while_the_database_link_is_frozen(
    tmp_path: Path, postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Packets neither answered nor refused (a stopped proxy): a 503 after the probe's
    bounded wait, not a hang; and 200 again once the link moves."""
    migrations.upgrade(postgres_url, migrations_dir())
    real = make_url(postgres_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432).start()
    url = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    client = create_app(make_settings(tmp_path, url, db_timeout_s=1)).test_client()
    assert client.get("/api/health").status_code == 200
    proxy.freeze()
    try:
        with caplog.at_level("WARNING", logger="dashboard.api.health"):
            answers = [client.get("/api/health") for _ in range(3)]
    finally:
        proxy.thaw()
    assert [a.status_code for a in answers] == [503, 503, 503]
    assert answers[0].get_json()["database"] == "unavailable"
    assert "database unavailable: no answer within 1 s" in caplog.text
    assert client.get("/api/health").status_code == 200
    proxy.cut()


def test_health_is_degraded_not_down_while_redis_is(tmp_path: Path, sqlite_url: str) -> None:
    migrations.upgrade(sqlite_url, migrations_dir())
    down = create_app(make_settings(tmp_path, sqlite_url, cache_url="redis://127.0.0.1:9/0"))
    body = down.test_client().get("/api/health")
    assert body.status_code == 200
    assert body.get_json() | {"version": ""} == {
        "status": "degraded",
        "database": "ok",
        "redis": "unavailable",
        "version": "",
    }


def test_health_reports_redis_when_it_answers(
    tmp_path: Path, sqlite_url: str, redis_url: str
) -> None:
    migrations.upgrade(sqlite_url, migrations_dir())
    app = create_app(make_settings(tmp_path, sqlite_url, cache_url=redis_url))
    assert app.test_client().get("/api/health").get_json()["redis"] == "ok"


def test_the_result_cache_misses_instead_of_failing_while_redis_is_down(
    tmp_path: Path, sqlite_url: str
) -> None:
    settings = make_settings(tmp_path, sqlite_url, cache_url="redis://127.0.0.1:9/0")
    cache = result_cache(settings)
    assert cache.set("explanation:x", {"a": 1}) is False
    assert cache.get("explanation:x") is None
