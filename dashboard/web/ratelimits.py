"""Rate limits per caller: predictions and explanations (API and pages share one budget), and
sign-in attempts per address and per account.

The caller is the signed-in account, else the client address; that address comes from
X-Forwarded-For only through the `trusted_proxies` hops the operator declared (default none),
so rotating the header buys nothing. Counts live in Redis when configured, so every worker and
instance shares them; if Redis fails, each process keeps counting in memory meanwhile.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, request
from flask_limiter import Limiter, RequestLimit
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.settings import Settings
from dashboard.web.callback_requests import (
    CALLBACK_PATH,
    callback_body,
    output_ids,
    said_in_status,
)
from dashboard.web.i18n import N_, _

DASH_VIEW = CALLBACK_PATH  # Dash names the endpoint after its path
WHAT = {"predict": N_("predictions"), "explain": N_("explanations")}


def trust_proxies(server: Flask, settings: Settings) -> None:
    """Believe X-Forwarded-For and -Proto from exactly `trusted_proxies` hops, or not at all."""
    hops = settings.trusted_proxies
    if hops:
        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=hops, x_proto=hops
        )


def caller() -> str:
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return f"address:{request.remote_addr or 'unknown'}"


def _budget_of_callback(metered: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    """(budget, status id) when this request starts a metered Dash callback (polling a pixel
    map that was started is another callback, which costs nothing)."""
    if request.path != CALLBACK_PATH:
        return None
    for ident in output_ids(callback_body()):
        if ident in metered:
            return metered[ident]
    return None


def _said_in_status(metered: dict[str, tuple[str, str]]) -> Callable[[RequestLimit], Response]:
    """A refused callback answers with the reason in its status line (a 429 would show
    nothing)."""

    def respond(limit: RequestLimit) -> Response:
        budget, status = _budget_of_callback(metered) or ("predict", "")
        wait = _wait(limit)
        message = _(
            "Too many %(what)s in a short time (limit: %(limit)s). Try again in %(wait)s s.",
            what=_(WHAT[budget]),
            limit=limit.limit,
            wait=wait,
        )
        response = said_in_status(status, message)
        response.headers["Retry-After"] = str(wait)
        return response

    return respond


def _wait(limit: RequestLimit) -> int:
    """Seconds until the window ends (reset_at is rounded up to a whole second, so clamp)."""
    return min(limit.limit.get_expiry(), max(1, math.ceil(limit.reset_at - time.time())))


def _fresh_explanation(response: Response) -> bool:
    """A map computed now, or a pixel job queued now: answers from the cache and polls of a
    running job are free."""
    body = response.get_json(silent=True) if response.status_code in (200, 202) else None
    if not isinstance(body, dict):
        return False
    return body.get("cached") is False or body.get("started_now") is True


def _report_made(response: Response) -> bool:
    return response.status_code == 200 or _fresh_explanation(response)


def keep_retry_after(seconds: int) -> None:
    """Ask that this answer's Retry-After be `seconds` (a 202 to poll), not the window's reset
    that Flask-Limiter writes on every answer."""
    g.retry_after = seconds


def _own_retry_after(response: Response) -> Response:
    own = g.pop("retry_after", None)
    if own is not None:
        response.headers["Retry-After"] = str(own)
    return response


def install(
    server: Flask,
    settings: Settings,
    metered: dict[str, tuple[str, str]],
    refused_sign_in: Callable[[str, int], Response],
) -> Limiter:
    storage = settings.cache_url if settings.uses_redis else "memory://"
    limiter = Limiter(
        key_func=caller,
        app=server,
        storage_uri=storage,
        headers_enabled=True,
        # A Redis outage must not take predictions down with it, nor stop the counting.
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
    # after_request hooks run last-registered first: this one runs after the limiter's.
    server.after_request_funcs.setdefault(None, []).insert(0, _own_retry_after)
    limits = {"predict": settings.predict_rate_limit, "explain": settings.explain_rate_limit}
    views: dict[str, Any] = server.view_functions
    # The decorator's wrapper does the counting, so it replaces the registered view.
    views["api.predict"] = limiter.shared_limit(limits["predict"], scope="predict")(
        views["api.predict"]
    )
    views["api.explanation"] = limiter.shared_limit(
        limits["explain"], scope="explain", deduct_when=_fresh_explanation
    )(views["api.explanation"])
    # A decision report explains too (and lays out a PDF): every one it makes counts.
    views["api.report"] = limiter.shared_limit(
        limits["explain"], scope="explain", deduct_when=_report_made
    )(views["api.report"])
    for budget, limit in limits.items():

        def other_callback(budget: str = budget) -> bool:
            return (_budget_of_callback(metered) or ("",))[0] != budget

        views[DASH_VIEW] = limiter.shared_limit(
            limit,
            scope=budget,
            exempt_when=other_callback,
            on_breach=_said_in_status(metered),
        )(views[DASH_VIEW])
    _limit_sign_in(limiter, views, settings, refused_sign_in)
    return limiter


def _limit_sign_in(
    limiter: Limiter,
    views: dict[str, Any],
    settings: Settings,
    refused: Callable[[str, int], Response],
) -> None:
    def account() -> str:
        return "sign-in:" + (request.form.get("username") or "").strip().lower()[:64]

    def by_address(limit: RequestLimit) -> Response:
        wait = _wait(limit)
        message = _(
            "Too many sign-in attempts from this address. Try again in %(wait)s s.", wait=wait
        )
        return refused(message, wait)

    def by_account(limit: RequestLimit) -> Response:
        wait = _wait(limit)
        minutes = math.ceil(wait / 60)
        message = _(
            "Too many failed sign-ins for this account: it is locked for %(minutes)s more "
            "minute(s), whatever the password. An admin can set a new one.",
            minutes=minutes,
        )
        return refused(message, wait)

    login = views["login"]
    # Password guessing: a few tries a minute per address are plenty for a person...
    login = limiter.limit(
        "20/minute",
        key_func=lambda: f"address:{request.remote_addr}",
        methods=["POST"],
        on_breach=by_address,
    )(login)
    # ...and an account takes only so many wrong passwords, from wherever they come.
    login = limiter.limit(
        settings.sign_in_lockout,
        key_func=account,
        methods=["POST"],
        deduct_when=lambda response: response.status_code == 401,
        on_breach=by_account,
    )(login)
    views["login"] = login
