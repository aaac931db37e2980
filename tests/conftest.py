"""Shared fixtures: settings on a throwaway database, the app, and the browser options."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from dashboard.settings import Settings
from dashboard.web.resources import migrations_dir
from db import migrations

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DEFAULT_PG_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"

# dash_duo looks for the browser here; Debian installs it as /usr/bin/chromium.
if shutil.which("chromium"):
    os.environ.setdefault("DASH_TEST_CHROMEPATH", shutil.which("chromium") or "")


def postgres_admin_url() -> str | None:
    """The PostgreSQL server to test against; required in CI, optional on a laptop."""
    # Without the variable, the usual local server is tried, so laptops get the coverage too.
    url = os.environ.get("VITRINE_TEST_POSTGRES_URL") or DEFAULT_PG_URL
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL must answer in CI at {url}: {exc.__class__.__name__}")
        return None
    return url


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    url = postgres_admin_url()
    if url is None:
        pytest.skip("no PostgreSQL server answers (set VITRINE_TEST_POSTGRES_URL)")
    return url


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"vitrine_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"


def redis_test_url(database: int = 15) -> str:
    """An emptied Redis database; required in CI, optional on a laptop."""
    import redis

    server = os.environ.get("VITRINE_TEST_REDIS_URL") or DEFAULT_REDIS_URL
    url = f"{server.rstrip('/')}/{database}"
    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        if IN_CI:
            pytest.fail(f"Redis must answer in CI at {url}: {exc.__class__.__name__}")
        pytest.skip(f"no Redis answers at {url} (set VITRINE_TEST_REDIS_URL)")
    finally:
        client.close()
    return url


@pytest.fixture
def redis_url() -> str:
    return redis_test_url()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'vitrine.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database of each supported kind."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres_url")
    return request.getfixturevalue("sqlite_url")


@pytest.fixture
def migrated_url(database_url: str) -> str:
    migrations.upgrade(database_url, migrations_dir())
    return database_url


def make_settings(tmp_path: Path, database_url: str, **overrides: object) -> Settings:
    return Settings(
        database_url=database_url,
        instance_dir=tmp_path / "instance",
        data_dir=tmp_path / "data",
        artifacts_dir=tmp_path / "artifacts",
        secret_key="test-secret",
        **overrides,
    )


@pytest.fixture
def settings(tmp_path: Path, sqlite_url: str) -> Settings:
    """Settings on a migrated SQLite database in a temporary folder."""
    migrations.upgrade(sqlite_url, migrations_dir())
    return make_settings(tmp_path, sqlite_url)


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    from dashboard.web.app import create_app

    server = create_app(settings)
    server.config["TESTING"] = True
    return server


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


def pytest_setup_options():  # type: ignore[no-untyped-def]
    """Chromium options for dash_duo: headless as root, no network chatter, no smooth scroll."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in (
        "--no-sandbox",
        "--disable-gpu",
        "--force-prefers-reduced-motion",
        "--window-size=1280,1024",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ):
        options.add_argument(flag)
    return options


@pytest.fixture(scope="session")
def trained_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A small demo catalogue, loaded and with all seven models trained (once per test run)."""
    from dashboard.services.ingest import ingest_catalogue
    from dashboard.services.state import Services
    from dashboard.services.training import activate_best, train
    from ml.demo.catalogue import generate
    from ml.models.registry import MODEL_NAMES

    root = tmp_path_factory.mktemp("trained")
    url = f"sqlite:///{root / 'vitrine.db'}"
    migrations.upgrade(url, migrations_dir())
    settings = make_settings(root, url)
    services = Services.from_settings(settings)
    csv_path = generate(root / "demo", per_category=20, seed=3, progress=False)
    ingest_catalogue(services, csv_path, root / "demo/Images", progress=False)
    train(services, list(MODEL_NAMES), progress=False, report=lambda _line: None)
    activate_best(services)
    services.engine.dispose()
    return settings
