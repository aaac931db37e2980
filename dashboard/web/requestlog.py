"""A request id for every request, echoed in X-Request-ID, and one log line per request."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from dashboard.web.accesslog import log_safe

log = logging.getLogger("vitrine.request")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    return getattr(g, "request_id", None) or uuid.uuid4().hex


def install(server: Flask) -> None:
    @server.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        # A proxy's id is kept when it is safe to log and store; otherwise a fresh one.
        g.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @server.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        started = g.get("request_started")
        elapsed_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        if not request.path.startswith(("/_dash-", "/_reload-hash", "/assets/", "/_favicon")):
            log.info(
                "request_id=%s method=%s path=%s status=%s duration_ms=%.1f",
                g.get("request_id"),
                log_safe(request.method),
                log_safe(request.path),
                response.status_code,
                elapsed_ms,
            )
        return response
