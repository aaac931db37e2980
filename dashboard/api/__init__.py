"""The REST API: one blueprint under /api, thin handlers over db and ml."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from dashboard.api import (
    analysis,
    audit,
    batch_jobs,
    docs,
    errors,
    explain,
    health,
    models,
    predict,
    products,
    report,
    reviews,
    shadow,
    similarity,
)
from dashboard.api.routes import Routes
from dashboard.services.prediction import unprintable
from dashboard.web.errors import error_response


def create_routes() -> Routes:
    """The blueprint with every route; each declares its OpenAPI operation as it registers."""
    api = Blueprint("api", __name__, url_prefix="/api")
    routes = Routes(api)
    errors.install(api)

    @api.before_request
    def _printable_parameters() -> tuple[Response, int] | None:
        # PostgreSQL refuses NUL in any string: a query value holding a control character is
        # refused here, before any handler reads it (body text is checked by check_text).
        if any(unprintable(value, allowed="") for value in request.args.values()):
            return error_response(
                422, "invalid_characters", "A parameter holds control characters."
            )
        return None

    modules = (
        health,
        products,
        models,
        predict,
        similarity,
        audit,
        analysis,
        explain,
        report,
        reviews,
        shadow,
        batch_jobs,
    )
    for module in modules:
        module.register(routes)
    docs.register(api, routes.operations)

    # Dash owns a catch-all page route; this more specific rule keeps /api/* out of it.
    @api.route("/<path:_unknown>")
    def not_found(_unknown: str) -> tuple[Response, int]:
        return error_response(404, "not_found", "No such API endpoint.")

    return routes


def install(server: Flask) -> Routes:
    """Register the blueprint; routing errors under /api (404, 405) answer JSON too."""
    routes = create_routes()
    server.register_blueprint(routes.blueprint)

    @server.errorhandler(HTTPException)
    def routing_error(exc: HTTPException) -> HTTPException | tuple[Response, int]:
        if request.path == "/api" or request.path.startswith("/api/"):
            if isinstance(exc, MethodNotAllowed) and not _is_endpoint(request.path):
                exc = NotFound("No such API endpoint.")
            return errors.http_error_response(exc)
        return exc

    return routes


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
