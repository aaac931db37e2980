"""The sign-in page (plain Flask, so it works before any Dash page may load) and sign-out."""

from __future__ import annotations

from flask import Flask, redirect, render_template_string, request
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user

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


def _safe_next(target: str | None) -> str:
    """Only paths on this site: never //host or a scheme (an open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def install(server: Flask) -> None:
    @server.route("/login", methods=["GET", "POST"])
    def login() -> ResponseReturnValue:
        target = _safe_next(request.values.get("next"))
        if request.method == "GET":
            return render_template_string(PAGE, error=None, next=target, username="")
        username = (request.form.get("username") or "")[:64]
        account = auth.authenticate(username, request.form.get("password") or "")
        if account is None:
            page = render_template_string(
                PAGE, error="Wrong username or password.", next=target, username=username
            )
            return page, 401
        login_user(account)
        return redirect(target)

    @server.post("/logout")
    def logout() -> ResponseReturnValue:
        logout_user()
        return redirect("/login")
