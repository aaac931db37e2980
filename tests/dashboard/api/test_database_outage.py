"""PostgreSQL goes away and comes back: 503s meanwhile, nothing lost, recovery without restart."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from dashboard.web.app import create_app
from dashboard.web.resources import migrations_dir
from db import migrations
from db.engine import session_scope
from db.models import Prediction
from tests.dashboard.api.postgres_copy import copy_active_models
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres


def _count(url: str) -> int:
    services = Services.from_settings(Settings(database_url=url))
    with session_scope(services.sessions) as session:
        n = session.scalar(select(func.count()).select_from(Prediction)) or 0
    services.engine.dispose()
    return n


def test_postgres_outage_answers_503_and_recovers(
    trained_settings: Settings, postgres_url: str
) -> None:
    migrations.upgrade(postgres_url, migrations_dir())
    copy_active_models(trained_settings, postgres_url)
    real = make_url(postgres_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432).start()
    through_proxy = real.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False
    )
    app = create_app(trained_settings.model_copy(update={"database_url": through_proxy}))
    client = app.test_client()
    data = catalogue_data(Services.from_settings(trained_settings))
    image = data.image_paths[int(data.index("test")[0])].read_bytes()

    def predict():  # type: ignore[no-untyped-def]
        return client.post(
            "/api/predict", data={"image": (io.BytesIO(image), "p.jpg"), "text": "steel watch"}
        )

    try:
        assert client.get("/api/health").status_code == 200
        assert predict().status_code == 200

        proxy.cut()
        health = client.get("/api/health")
        assert health.status_code == 503
        assert health.get_json()["database"] == "unavailable"
        refused = predict()
        assert refused.status_code == 503
        error = refused.get_json()["error"]
        assert error["details"]["component"] == "database" and "Traceback" not in error["message"]

        proxy.restore()  # the same app object: no restart
        assert client.get("/api/health").status_code == 200
        assert predict().status_code == 200
    finally:
        proxy.cut()
        app.extensions["vitrine"].engine.dispose()
    # Two answered predictions, two rows; the refused one left nothing behind.
    assert _count(postgres_url) == 2
