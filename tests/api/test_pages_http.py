"""Pages are served with their own title and language, and only local assets."""

from __future__ import annotations

import re

import dash
import pytest


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
