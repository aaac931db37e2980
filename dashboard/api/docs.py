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
</head>
<body>
  <a href="#swagger-ui" class="visually-hidden-focusable">Skip to the API reference</a>
  <main id="swagger-ui" aria-label="Vitrine API reference"></main>
  <script src="/api/docs/static/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
"""

# A file, not an inline script, so the Content-Security-Policy needs no 'unsafe-inline'.
INIT = """window.addEventListener("load", function () {
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

    @api.get("/docs/init.js")
    def docs_init() -> Response:
        return Response(INIT, mimetype="text/javascript")

    @api.get("/docs/static/<name>")
    def docs_static(name: str) -> Response:
        if name not in SWAGGER_FILES:
            abort(404)
        return send_from_directory(Path(swagger_ui_path), name, max_age=7 * 24 * 3600)
