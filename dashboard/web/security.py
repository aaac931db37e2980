"""Security headers (a CSP that Dash and Plotly run under) and rate limiting of predictions."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from flask import Flask, Response
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from dashboard.settings import Settings

# The Evidently report (its own inline scripts) is framed by the drift page: it gets a policy of
# its own, scripts allowed but still only framed by this site.
REPORT_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
)


# Executable inline scripts of a page (not src=, not JSON data blocks).
_INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", re.S | re.I
)


def content_security_policy(inline_scripts: list[str]) -> str:
    """Scripts only from this site, plus the hashes of this page's own inline scripts.

    Styles allow 'unsafe-inline': Plotly and Dash components set style attributes at run time.
    """
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in inline_scripts
    )
    return (
        f"default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "frame-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'self'"
    )


def install_headers(server: Flask) -> None:
    plain = content_security_policy([])

    @server.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        if "Content-Security-Policy" not in headers:
            policy = plain
            # Dash's page carries inline scripts (its renderer, Pages' clientside callbacks),
            # known only once Dash has set itself up: hash what this page actually holds.
            if response.mimetype == "text/html" and not response.direct_passthrough:
                policy = content_security_policy(
                    [s for s in _INLINE_SCRIPT.findall(response.get_data(as_text=True)) if s]
                )
            headers["Content-Security-Policy"] = policy
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


def install_limiter(server: Flask, settings: Settings) -> Limiter:
    """Predictions per client address; counted in Redis when configured, so every worker and
    instance shares the budget, else in each process's memory."""
    storage = settings.cache_url if settings.uses_redis else "memory://"
    limiter = Limiter(
        key_func=get_remote_address,
        app=server,
        storage_uri=storage,
        headers_enabled=True,
        # A Redis outage must not take predictions down with it.
        swallow_errors=True,
    )
    # The decorator's wrapper does the counting, so it replaces the registered view.
    views: dict[str, Any] = server.view_functions
    views["api.predict"] = limiter.limit(lambda: settings.predict_rate_limit)(views["api.predict"])
    # Password guessing: a few tries a minute per address are plenty for a person.
    views["login"] = limiter.limit("20/minute", methods=["POST"])(views["login"])
    return limiter
