"""Pages are served with their own title and language, and only local assets."""

from __future__ import annotations

import re

import dash
import pytest

from tests.dashboard.api.dash_routing import route_page


@pytest.fixture
def pages(app):  # type: ignore[no-untyped-def]
    return list(dash.page_registry.values())


def test_every_page_has_a_unique_title(client, pages) -> None:  # type: ignore[no-untyped-def]
    titles = []
    for page in pages:
        html = client.get(page["relative_path"]).get_data(as_text=True)
        assert '<html lang="en">' in html
        title = re.search(r"<title>(.*?)</title>", html)
        assert title is not None
        titles.append(title.group(1))
    assert len(set(titles)) == len(titles)
    assert "Dataset &amp; architecture · Vitrine" in titles


def test_no_asset_comes_from_another_host(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the page links no assets at all"
    for source in sources:
        assert not re.match(r"^(https?:)?//", source), source
    assert any("00-bootstrap.min.css" in s for s in sources)


def test_a_database_outage_keeps_each_page_heading_and_says_what_to_do(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Pages that read the database say it does not answer under their own heading."""
    from dashboard.settings import Settings
    from dashboard.web.app import create_app

    never_migrated = tmp_path / "empty.db"  # no tables: every read fails
    app = create_app(
        Settings(
            database_url=f"sqlite:///{never_migrated}",
            instance_dir=tmp_path / "instance",
            data_dir=tmp_path / "data",
            artifacts_dir=tmp_path / "artifacts",
            secret_key="test-secret",
        )
    )
    client = app.test_client()
    for path, heading in (
        ("/", "Dataset & architecture"),
        ("/audit", "Audit trail"),
        ("/catalogue", "Catalogue"),
        ("/models", "Model comparison"),
        ("/drift", "Data drift"),
    ):
        shown = route_page(client, path)
        assert heading in shown and "The database does not answer" in shown, path
