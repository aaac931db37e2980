"""The charts' Plotly.js: the vendored cartesian bundle, at the URL Dash loads it from."""

from __future__ import annotations

import re

from plotly.offline import get_plotlyjs_version

from dashboard.web.plotlyjs import BUNDLE, DASH_PLOTLY_PATH, PLOTLYJS_VERSION
from dashboard.web.resources import assets_dir


def test_vendored_bundle_matches_the_plotly_package() -> None:
    # Figures are built by the Python package for its own plotly.js version.
    assert get_plotlyjs_version() == PLOTLYJS_VERSION
    head = (assets_dir() / "vendor" / BUNDLE).read_bytes()[:200].decode()
    assert f"plotly.js (cartesian - minified) v{PLOTLYJS_VERSION}" in head


def test_dash_loads_the_cartesian_bundle_only_where_charts_need_it(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(DASH_PLOTLY_PATH)
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert b"cartesian" in response.data[:200]
    assert len(response.data) < 2_000_000  # the full build is 4.6 MB
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts and not [s for s in scripts if "plotly" in s]  # fetched on the first chart
