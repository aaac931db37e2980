"""The sign-in page (plain Flask, so it works before any Dash page may load) and sign-out."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import Flask, Response, make_response, redirect, render_template_string, request
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import ValidationError

from dashboard.web import auth

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in · Vitrine</title>
  <link rel="stylesheet" href="/assets/00-bootstrap.min.css">
  <link rel="stylesheet" href="/assets/10-vitrine.css">
</head>
<body>
  <div class="site">
    <a class="skip-link" href="#main-content">Skip to main content</a>
    <header class="site-header">
      <div class="site-header__inner">
        <a class="site-brand" href="/"><span class="site-brand__name">Vitrine</span>
          <span class="site-brand__tagline">product image classification</span></a>
      </div>
    </header>
    <main id="main-content" class="site-main login" tabindex="-1">
      <h1>Sign in</h1>
      {% if error %}
      <div class="notice notice--error" role="alert" id="login-error">
        <p><span class="notice__kind">Error: </span>{{ error }}</p>
      </div>
      {% endif %}
      <form method="post" action="/login" class="login__form">
        <input type="hidden" name="csrf_token" value="{{ csrf_token }}">
        <input type="hidden" name="next" value="{{ next }}">
        <div class="field">
          <label class="field__label" for="login-username">Username</label>
          <input class="form-control" id="login-username" name="username" type="text"
                 autocomplete="username" required value="{{ username }}"
                 {% if error %}aria-describedby="login-error"{% endif %}>
        </div>
        <div class="field">
          <label class="field__label" for="login-password">Password</label>
          <input class="form-control" id="login-password" name="password" type="password"
                 autocomplete="current-password" required>
        </div>
        <button class="btn btn-primary" type="submit">Sign in</button>
      </form>
      <p>No account? An administrator creates one with <code>vitrine users add</code>.</p>
    </main>
    <footer class="site-footer">
      <p>Vitrine · <a href="/accessibility">Accessibility statement</a></p>
    </footer>
  </div>
</body>
</html>
"""


# What a browser drops from a URL before it reads it (WHATWG URL parsing): tabs and newlines
# anywhere, control characters and spaces at either end; and it reads "\\" as "/".
_DROPPED = str.maketrans("", "", "\t\n\r")
_ENDS = "".join(chr(c) for c in range(0x21))


def _as_browsers_read(target: str) -> str:
    return target.translate(_DROPPED).strip(_ENDS).replace("\\", "/")


def _on_this_site(target: str) -> bool:
    url = _as_browsers_read(target)
    parts = urlsplit(url)
    return (
        url.startswith("/")
        and not url.startswith("//")
        and not parts.scheme
        and not parts.netloc
        and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in url)
    )


def _safe_next(target: str | None) -> str:
    """A path on this site, as a browser will read it; "/" for anything that could leave it
    (//host, a scheme, tabs or backslashes that turn into //host, encoded slashes that a proxy
    or the app might decode)."""
    form = target or ""
    for _ in range(3):  # checked as sent and once or twice percent-decoded
        if not _on_this_site(form):
            return "/"
        decoded = unquote(form)
        if decoded == form:
            break
        form = decoded
    return _as_browsers_read(target or "")


def _page(error: str | None, target: str, username: str = "") -> str:
    return render_template_string(
        PAGE, error=error, next=target, username=username, csrf_token=generate_csrf()
    )


def refused_page(message: str, retry_after: int) -> Response:
    """The sign-in page saying why this attempt is not even tried (a rate limit)."""
    target = _safe_next(request.values.get("next"))
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
        target = _safe_next(request.values.get("next"))
        if request.method == "GET":
            return _page(None, target)
        username = (request.form.get("username") or "")[:64]
        if not _from_this_form():
            expired = "This sign-in form has expired or came from another site. Please try again."
            return _page(expired, target, username), 400
        account = auth.authenticate(username, request.form.get("password") or "")
        if account is None:
            return _page("Wrong username or password.", target, username), 401
        login_user(account)
        return redirect(target)

    @server.post("/logout")
    def logout() -> ResponseReturnValue:
        auth.end_current_session()  # a replayed cookie then names a session that is gone
        logout_user()
        return redirect("/login")
