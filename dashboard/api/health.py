"""GET /api/health: for load balancers and container health checks."""

from __future__ import annotations

import logging

from flask import Response, jsonify
from sqlalchemy.exc import SQLAlchemyError

from dashboard import __version__
from dashboard.api import schemas as s
from dashboard.api.openapi import Operation
from dashboard.api.routes import Routes
from dashboard.web.context import services
from db.health import ping

log = logging.getLogger(__name__)


HEALTH = Operation(
    "get",
    "/health",
    "Health of the service and its database",
    "operations",
    {200: ("Healthy.", s.HealthOut), 503: ("The database does not answer.", s.HealthOut)},
    role=None,
)


def register(routes: Routes) -> None:
    @routes.operation(HEALTH)
    def health() -> tuple[Response, int]:
        try:
            ping(services().engine)
        except SQLAlchemyError as exc:
            # The driver's first line says why (refused, timed out, wrong password); it never
            # carries the password itself.
            reason = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]
            log.warning(
                "health check: database unavailable: %s: %s", exc.__class__.__name__, reason[:200]
            )
            body = {
                "status": "unavailable",
                "database": "unavailable",
                "version": __version__,
                "error": {
                    "code": "database_unavailable",
                    "message": "The database does not answer.",
                    "details": {"component": "database"},
                },
            }
            return jsonify(body), 503
        return jsonify({"status": "ok", "database": "ok", "version": __version__}), 200
