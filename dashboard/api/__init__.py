"""The REST API: one blueprint under /api, thin handlers over db and ml."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from dashboard.api import (
    analysis,
    audit,
    docs,
    errors,
    explain,
    health,
    models,
    predict,
    products,
    similarity,
)
from dashboard.api.openapi import OPERATIONS


def create_blueprint() -> Blueprint:
    api = Blueprint("api", __name__, url_prefix="/api")
    errors.install(api)
    health.register(api)
    products.register(api)
    models.register(api)
    predict.register(api)
    similarity.register(api)
    audit.register(api)
    audit.register_drift(api)
    analysis.register(api)
    explain.register(api)
    docs.register(api)

    # Dash owns a catch-all page route; this more specific rule keeps /api/* out of it.
    @api.route("/<path:_unknown>")
    def not_found(_unknown: str) -> tuple[Response, int]:
        return errors.error_response(404, "not_found", "No such API endpoint.")

    return api


def roles() -> dict[tuple[str, str], str | None]:
    """(method, OpenAPI path) -> the role each operation declares, for the access check."""
    return {(op.method.upper(), op.path): op.role for op in OPERATIONS}


def install(server: Flask) -> None:
    """Register the blueprint; routing errors under /api (404, 405) answer JSON too."""
    server.register_blueprint(create_blueprint())

    @server.errorhandler(HTTPException)
    def routing_error(exc: HTTPException) -> HTTPException | tuple[Response, int]:
        if request.path == "/api" or request.path.startswith("/api/"):
            if isinstance(exc, MethodNotAllowed) and not _is_endpoint(request.path):
                exc = NotFound("No such API endpoint.")
            return errors.http_error_response(exc)
        return exc


def _is_endpoint(path: str) -> bool:
    """Whether a real API route (not a catch-all) serves this path with some method."""
    adapter = current_app.url_map.bind("localhost")
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            endpoint, _ = adapter.match(path, method=method)
        except HTTPException:
            continue
        if endpoint != "api.not_found":
            return True
    return False
