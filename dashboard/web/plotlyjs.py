"""Plotly.js for the charts: the cartesian partial bundle from assets/vendor/ instead of the
full one that ships with the plotly package.

Every chart here is a bar, box, heatmap or scatter, all in plotly.js's cartesian bundle
(1.4 MB against 4.6 MB for the full build): the browser parses a third of the script before the
first chart draws (Lighthouse: total blocking time on the chart pages). Dash's renderer loads
Plotly on the first dcc.Graph from one fixed URL, which this answers. The bundle's version is
the one the installed plotly package was built for (a test keeps them equal).
"""

from __future__ import annotations

import re

from flask import Flask, Response, send_from_directory

from dashboard.web.resources import assets_dir

PLOTLYJS_VERSION = "2.35.2"
BUNDLE = f"plotly-cartesian-{PLOTLYJS_VERSION}.min.js"
# Where dash-renderer fetches Plotly when serving locally (requests_pathname_prefix + this).
DASH_PLOTLY_PATH = "/_dash-component-suites/plotly/package_data/plotly.min.js"
# Dash matches this against file names in assets/: the bundle is not a <script> on every page.
ASSETS_IGNORE = re.escape(BUNDLE)


def install(server: Flask) -> None:
    folder = assets_dir() / "vendor"

    # Registered before Dash's own /_dash-component-suites/<package>/<path> rule; as a rule
    # without variables it is matched first.
    @server.get(DASH_PLOTLY_PATH)
    def plotly_bundle() -> Response:
        return send_from_directory(folder, BUNDLE, mimetype="text/javascript", max_age=86_400)
