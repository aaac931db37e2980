"""GET /api/openapi.json and the Swagger UI at /api/docs, served from the installed
`swagger-ui-bundle` package: no CDN, it works with no internet."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flask import Blueprint, Response, abort, jsonify, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from dashboard.api.openapi import Operation, document

SWAGGER_FILES = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"}

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>API reference · Vitrine</title>
  <link rel="stylesheet" href="/api/docs/static/swagger-ui.css">
  <link rel="stylesheet" href="/api/docs/docs.css">
</head>
<body>
  <a href="#swagger-ui" class="skip-link">Skip to the API reference</a>
  <header class="docs-bar">
    <nav aria-label="Vitrine">
      <a href="/">← Back to the Vitrine dashboard</a>
      <a href="/api/openapi.json">OpenAPI document (JSON)</a>
    </nav>
  </header>
  <main id="swagger-ui" aria-label="Vitrine API reference" tabindex="-1"></main>
  <script src="/api/docs/static/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
"""

# The page has no Bootstrap: its skip link (shown only when focused) and its bar back to the
# dashboard are styled here, in the dashboard's colours.
CSS = """.skip-link { position: absolute; left: -10000px; top: 0; }
.skip-link:focus { left: 1rem; top: 1rem; z-index: 10; padding: 0.5rem 1rem; background: #ffffff;
  color: #0a58a8; outline: 3px solid #0a58a8; font: 600 1rem system-ui, sans-serif; }
.docs-bar { background: #12263f; padding: 0.75rem 1.25rem; font: 1rem system-ui, sans-serif; }
.docs-bar nav { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; }
.docs-bar a { color: #dce8f7; }
.docs-bar a:focus-visible { outline: 3px solid #ffd166; outline-offset: 2px; }
"""

# A file, not an inline script, so the Content-Security-Policy needs no 'unsafe-inline'.
INIT = """// Swagger UI's deep links own the URL's hash: the skip link moves focus itself.
document.querySelector(".skip-link").addEventListener("click", function (event) {
  event.preventDefault();
  document.getElementById("swagger-ui").focus();
});
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null
  });
});
"""


def register(api: Blueprint, operations: Sequence[Operation]) -> None:
    @api.get("/openapi.json")
    def openapi() -> Response:
        return jsonify(document(operations))

    @api.get("/docs")
    def docs() -> Response:
        return Response(PAGE, mimetype="text/html")

    @api.get("/docs/docs.css")
    def docs_css() -> Response:
        return Response(CSS, mimetype="text/css")

    @api.get("/docs/init.js")
    def docs_init() -> Response:
        return Response(INIT, mimetype="text/javascript")

    @api.get("/docs/static/<name>")
    def docs_static(name: str) -> Response:
        if name not in SWAGGER_FILES:
            abort(404)
        return send_from_directory(Path(swagger_ui_path), name, max_age=7 * 24 * 3600)
