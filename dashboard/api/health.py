"""GET /api/health: for load balancers and container health checks.

It answers within about `db_timeout_s` whatever state the database is in: the probe runs on a
helper thread, so a frozen link (packets neither answered nor refused) gives a 503, not a hang.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as ProbeTimeout
from typing import Any

from flask import Response, jsonify
from sqlalchemy.exc import SQLAlchemyError

from dashboard import __version__
from dashboard.api import schemas as s
from dashboard.api.openapi import Operation
from dashboard.api.routes import Routes
from dashboard.services.state import Services
from dashboard.web.context import services
from db.health import ping

log = logging.getLogger(__name__)
# Probes run here; one that never returns occupies a thread, not the worker.
_probes = ThreadPoolExecutor(max_workers=4, thread_name_prefix="health-probe")

HEALTH = Operation(
    "get",
    "/health",
    "Health of the service, its database and (when configured) Redis",
    "operations",
    {
        200: ("Healthy, or degraded: Redis is down (explanations may be slower).", s.HealthOut),
        503: ("The database does not answer.", s.HealthOut),
    },
    role=None,
)


def _database(current: Services) -> str | None:
    """None when the database answers, else why not (one line, never a password)."""
    try:
        _probes.submit(ping, current.engine).result(timeout=current.settings.db_timeout_s)
    except ProbeTimeout:
        return f"no answer within {current.settings.db_timeout_s:g} s"
    except SQLAlchemyError as exc:
        reason = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]
        return f"{exc.__class__.__name__}: {reason[:200]}"
    return None


def register(routes: Routes) -> None:
    @routes.operation(HEALTH)
    def health() -> tuple[Response, int]:
        current = services()
        redis = current.redis_status()
        failure = _database(current)
        body: dict[str, Any] = {"version": __version__, "redis": redis}
        if failure is not None:
            log.warning("health check: database unavailable: %s", failure)
            body |= {
                "status": "unavailable",
                "database": "unavailable",
                "error": {
                    "code": "database_unavailable",
                    "message": "The database does not answer.",
                    "details": {"component": "database"},
                },
            }
            return jsonify(body), 503
        status = "degraded" if redis == "unavailable" else "ok"
        return jsonify(body | {"status": status, "database": "ok"}), 200
