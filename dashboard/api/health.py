"""GET /api/health: for load balancers and container health checks."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify
from sqlalchemy.exc import SQLAlchemyError

from dashboard import __version__
from dashboard.web.context import services
from db.health import ping

log = logging.getLogger(__name__)


def register(api: Blueprint) -> None:
    @api.get("/health")
    def health() -> tuple[Response, int]:
        try:
            ping(services().engine)
        except SQLAlchemyError as exc:
            log.warning("health check: database unavailable: %s", exc.__class__.__name__)
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
