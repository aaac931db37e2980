"""The sign-in page (plain Flask, so it works before any Dash page may load) and sign-out."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, make_response, redirect, render_template_string, request
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import ValidationError

from dashboard.services.locales import LANGUAGES
from dashboard.web import auth
from dashboard.web.i18n import SWITCH_PREFIX, _, language
from dashboard.web.redirects import safe_next

# The page is a Jinja2 template (Flask-Babel's `_` inside), found by `pybabel extract` too.
PAGE = (Path(__file__).parent / "templates" / "sign_in.html").read_text(encoding="utf-8")


def _page(error: str | None, target: str, username: str = "") -> str:
    return render_template_string(
        PAGE,
        error=error,
        next=target,
        username=username,
        csrf_token=generate_csrf(),
        lang=language(),
        languages=LANGUAGES,
        switch=SWITCH_PREFIX,
        here=request.full_path.rstrip("?") if request.method == "GET" else "/login",
    )


def refused_page(message: str, retry_after: int) -> Response:
    """The sign-in page saying why this attempt is not even tried (a rate limit)."""
    target = safe_next(request.values.get("next"))
    username = (request.form.get("username") or "")[:64]
    response = make_response(_page(message, target, username), 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


def _from_this_form() -> bool:
    """Whether the post carries the token this browser's sign-in form was given: a form on
    another site cannot read it, so it cannot sign a visitor in to an account of its choosing."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


def install(server: Flask) -> None:
    @server.route("/login", methods=["GET", "POST"])
    def login() -> ResponseReturnValue:
        target = safe_next(request.values.get("next"))
        if request.method == "GET":
            return _page(None, target)
        username = (request.form.get("username") or "")[:64]
        if not _from_this_form():
            expired = _(
                "This sign-in form has expired or came from another site. Please try again."
            )
            return _page(expired, target, username), 400
        account = auth.authenticate(username, request.form.get("password") or "")
        if account is None:
            return _page(_("Wrong username or password."), target, username), 401
        login_user(account)
        return redirect(target)

    @server.post("/logout")
    def logout() -> ResponseReturnValue:
        auth.end_current_session()  # a replayed cookie then names a session that is gone
        logout_user()
        return redirect("/login")
