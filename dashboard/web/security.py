"""Security headers: a CSP that Dash and Plotly run under, and the usual hardening headers."""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response

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
