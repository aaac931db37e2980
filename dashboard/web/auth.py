"""Access control: accounts with roles, sessions for people, hashed bearer tokens for machines.

Off by default (the open demo shows a banner saying so); VITRINE_AUTH=required turns it on.
Roles nest: a viewer uses the dashboard and predicts; an auditor also reads the audit trail,
exports it and watches drift; an admin also activates model versions and manages users.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Request, Response, current_app, g, redirect, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, current_user

from dashboard.services.prediction import Requester
from dashboard.services.users import (
    RANK,
    AccountInfo,
    account_for_session,
    check_password,
    end_session_key,
    start_session,
    token_digest,
)
from dashboard.web.callback_requests import callback_body, output_ids
from dashboard.web.context import services
from dashboard.web.errors import error_response
from dashboard.web.i18n import _
from db.engine import session_scope
from db.repo_users import user_for_token

ACCESS_KEY = "vitrine_access"
OPEN_PATHS = {"/login", "/logout", "/metrics", "/_favicon.ico"}
OPEN_PREFIXES = ("/assets/", "/_dash-component-suites/", "/language/")
# Dash plumbing that renders whichever page is asked for; the page layout itself is guarded.
DASH_PLUMBING = {"/_dash-layout", "/_dash-dependencies", "/_reload-hash"}
# Callbacks anyone may run: the page router, the navigation marker and the language switch.
OPEN_CALLBACK_IDS = {
    "_pages_content",
    "_pages_store",
    "_pages_dummy",
    "site-nav-list",
    "site-language",
}


@dataclass
class Account(UserMixin):
    id: int
    username: str
    role: str
    # The server-side session this browser holds ("" for a bearer token): Flask-Login keeps
    # get_id() in the cookie, so the cookie names a revocable session, not a reusable user id.
    session_key: str = ""

    def get_id(self) -> str:
        return self.session_key

    def may(self, role: str) -> bool:
        return RANK.get(self.role, -1) >= RANK[role]


class Anonymous(AnonymousUserMixin):
    username = ""
    role = ""

    def may(self, role: str) -> bool:
        return False


def enabled() -> bool:
    return services().settings.auth == "required"


@dataclass(frozen=True)
class Declared:
    """The roles pages and API operations declare, handed over by the app factory."""

    pages: Mapping[str, str | None]
    api: Mapping[tuple[str, str], str | None]


def _declared() -> Declared:
    declared: Declared = current_app.extensions[ACCESS_KEY]
    return declared


def page_role(path: str) -> str | None:
    """The role a page declares (None: anyone may read it); an unknown path needs a viewer."""
    return _declared().pages.get(path, "viewer")


def page_denial(path: str) -> tuple[str, str] | None:
    """Why the current user may not see `path` (title, message), or None."""
    if not enabled():
        return None
    needed = page_role(path)
    if needed is None:
        return None
    if not current_user.is_authenticated:
        return (
            _("Sign in to see this page"),
            _("[Sign in](%(url)s) first.", url="/login?next=" + path),
        )
    if not current_user.may(needed):
        return (
            _("Your role does not allow this page"),
            _(
                "You are signed in as %(user)s (%(role)s); this page needs the %(needed)s role. "
                "Ask an admin for access.",
                user=current_user.username,
                role=current_user.role,
                needed=needed,
            ),
        )
    return None


def _rule_to_openapi(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.removeprefix("/api"))


# The documentation itself is public; it is not an operation of the document.
PUBLIC_API_RULES = {
    "/api/openapi.json",
    "/api/docs",
    "/api/docs/init.js",
    "/api/docs/docs.css",
    "/api/docs/static/<name>",
}


def api_role(method: str, rule: str) -> str | None:
    """The role an API route needs; None for public routes (health, docs). A route missing from
    the OpenAPI operations is never public by accident: it needs a viewer."""
    if rule in PUBLIC_API_RULES:
        return None
    key = ("GET" if method == "HEAD" else method, _rule_to_openapi(rule))
    return _declared().api.get(key, "viewer")


def _account(user: Any) -> Account:
    return Account(user.id, user.username, user.role)


class _SessionInterface(SecureCookieSessionInterface):
    """Secure cookies whenever the request came over TLS (directly or via the proxy)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request and request.is_secure) or super().get_cookie_secure(app)


def install(server: Flask, declared: Declared) -> None:
    server.extensions[ACCESS_KEY] = declared
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="vitrine_session",
    )
    server.session_interface = _SessionInterface()
    manager = LoginManager(server)
    manager.anonymous_user = Anonymous
    manager.session_protection = "basic"

    @manager.user_loader
    def _load(session_key: str) -> Account | None:
        info = account_for_session(services(), session_key) if session_key else None
        return _from_info(info, session_key) if info else None

    @manager.request_loader
    def _from_token(req: Request) -> Account | None:
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        with session_scope(services().sessions) as session:
            user = user_for_token(session, token_digest(header.removeprefix("Bearer ").strip()))
            return _account(user) if user else None

    @server.before_request
    def _guard() -> Any:
        if not enabled():
            return None
        path = request.path
        if path in OPEN_PATHS or path in DASH_PLUMBING or path.startswith(OPEN_PREFIXES):
            return None
        if path.startswith("/api/") or path == "/api":
            return _guard_api()
        if path == "/_dash-update-component":
            return _guard_callback()
        return _guard_page(path)

    @server.after_request
    def _forbidden_page(response: Response) -> Response:
        if g.get("page_forbidden") and response.status_code == 200:
            response.status_code = 403
        return response


def _guard_api() -> Any:
    rule = request.url_rule.rule if request.url_rule else ""
    needed = api_role(request.method, rule) if rule else "viewer"
    if needed is None or (rule and rule.endswith("<path:_unknown>")):
        return None
    if not current_user.is_authenticated:
        response, status = error_response(
            401, "unauthorised", "Sign in, or send Authorization: Bearer <token>."
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="vitrine"'
        return response, status
    if not current_user.may(needed):
        return error_response(
            403,
            "forbidden",
            f"This needs the {needed} role; {current_user.username} is {current_user.role}.",
            {"needed": needed, "role": current_user.role},
        )
    return None


def _guard_callback() -> Any:
    if current_user.is_authenticated:
        return None
    ids = output_ids(callback_body())
    if ids and ids <= OPEN_CALLBACK_IDS:
        return None
    return error_response(401, "unauthorised", "Sign in to use the dashboard.")


def _guard_page(path: str) -> Any:
    needed = page_role(path)
    if needed is None:
        return None
    if not current_user.is_authenticated:
        return redirect(f"/login?next={path}")
    if not current_user.may(needed):
        g.page_forbidden = True  # Dash still serves the page; its layout says why, with a 403
    return None


def allowed(role: str) -> bool:
    """Whether the current user holds `role` (anyone may, with access control off). Callbacks
    that change data check it themselves: the callback guard only asks for a signed-in user."""
    return not enabled() or current_user.may(role)


def requester() -> Requester | None:
    """Who a prediction made now is recorded for (None in open mode)."""
    if enabled() and current_user.is_authenticated:
        return Requester(current_user.id, current_user.username)
    return None


def visible_owner() -> int | None:
    """Whose predictions the current user may open: their own as a viewer (the audit trail is
    for auditors), everyone's (None) as an auditor or admin, or in open mode."""
    if not enabled() or current_user.may("auditor"):
        return None
    return int(current_user.id) if current_user.is_authenticated else -1


def _from_info(info: AccountInfo, session_key: str = "") -> Account:
    return Account(info.id, info.username, info.role, session_key)


def authenticate(username: str, password: str) -> Account | None:
    """The account, with a new server-side session, when the password is right."""
    info = check_password(services(), username, password)
    return _from_info(info, start_session(services(), info)) if info else None


def end_current_session() -> None:
    if current_user.is_authenticated and current_user.session_key:
        end_session_key(services(), current_user.session_key)
