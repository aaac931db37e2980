"""Sessions the server can end: sign-out, revoked credentials, new passwords, removed accounts
(whose ids are never handed out again), expiry; and a sign-in form other sites cannot post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import update

from dashboard.cli import main
from dashboard.settings import Settings
from dashboard.web.app import create_app
from dashboard.web.context import services as services_of
from dashboard.web.resources import migrations_dir
from db import migrations
from db.engine import session_scope
from db.models import User, UserSession
from tests.conftest import make_settings
from tests.dashboard.signin import form_token, sign_in

PASSWORD = "correct horse battery"
COOKIE = "vitrine_session"


@pytest.fixture
def secured(tmp_path: Path, database_url: str) -> tuple[Flask, Settings]:
    migrations.upgrade(database_url, migrations_dir())
    settings = make_settings(tmp_path, database_url, auth="required")
    return create_app(settings), settings


def _env(settings: Settings) -> dict[str, str]:
    return {
        "DATABASE_URL": settings.database_url,
        "VITRINE_INSTANCE_DIR": str(settings.instance_dir),
    }


def _cli(settings: Settings, *args: str) -> Any:
    result = CliRunner().invoke(main, list(args), env=_env(settings))
    assert result.exit_code == 0, result.output
    return result


def _signed_in_cookie(app: Flask, username: str, password: str = PASSWORD) -> str:
    client = app.test_client()
    assert sign_in(client, username, password).status_code == 302
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value


def _who(app: Flask, cookie: str) -> str | None:
    """The account a browser holding `cookie` is treated as (None: not signed in)."""
    client = app.test_client()
    client.set_cookie(COOKIE, cookie)
    shown = client.get("/_dash-layout").get_data(as_text=True)
    if "Signed in as" not in shown:
        return None
    return shown.split("Signed in as ", 1)[1].split(" ", 1)[0]


def test_a_replayed_cookie_stops_working_after_sign_out(secured: Any) -> None:
    app, settings = secured
    _cli(settings, "users", "add", "ana", "--password", PASSWORD)
    client = app.test_client()
    sign_in(client, "ana", PASSWORD)
    cookie = client.get_cookie(COOKIE).value
    assert _who(app, cookie) == "ana"
    other = _signed_in_cookie(app, "ana")  # a second browser of the same person
    assert client.post("/logout").status_code == 302
    assert _who(app, cookie) is None
    replayed = app.test_client()
    replayed.set_cookie(COOKIE, cookie)
    assert replayed.get("/predict").status_code == 302  # back to the sign-in page
    assert _who(app, other) == "ana"  # signing out one browser leaves the others


def test_a_removed_accounts_cookie_never_becomes_a_new_account(secured: Any) -> None:
    app, settings = secured
    _cli(settings, "users", "add", "old", "--password", PASSWORD)
    cookie = _signed_in_cookie(app, "old")
    with session_scope(services_of(app).sessions) as session:
        old_id = session.query(User).filter_by(username="old").one().id
    _cli(settings, "users", "remove", "old")
    _cli(settings, "users", "add", "boss", "--role", "admin", "--password", PASSWORD)
    with session_scope(services_of(app).sessions) as session:
        new_id = session.query(User).filter_by(username="boss").one().id
    assert new_id > old_id  # ids are never handed out twice, on SQLite too
    assert _who(app, cookie) is None
    assert _who(app, _signed_in_cookie(app, "boss")) == "boss"


def test_revoke_tokens_ends_every_token_and_session(secured: Any) -> None:
    app, settings = secured
    _cli(settings, "users", "add", "ana", "--role", "auditor", "--password", PASSWORD)
    token = _cli(settings, "users", "token", "ana").stdout.strip().splitlines()[0]
    cookies = [_signed_in_cookie(app, "ana"), _signed_in_cookie(app, "ana")]
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/audit/predictions", headers=bearer).status_code == 200
    said = _cli(settings, "users", "revoke-tokens", "ana").output
    assert "1 API token(s) revoked, 2 session(s) signed out" in said
    assert app.test_client().get("/api/audit/predictions", headers=bearer).status_code == 401
    assert [_who(app, cookie) for cookie in cookies] == [None, None]
    assert _who(app, _signed_in_cookie(app, "ana")) == "ana"  # the account itself still works


def test_a_new_password_signs_out_everywhere(secured: Any) -> None:
    app, settings = secured
    _cli(settings, "users", "add", "ana", "--password", PASSWORD)
    cookie = _signed_in_cookie(app, "ana")
    said = _cli(settings, "users", "password", "ana", "--password", "a brand new secret").output
    assert "password changed, 1 session(s) signed out" in said
    assert _who(app, cookie) is None
    assert sign_in(app.test_client(), "ana", PASSWORD).status_code == 401
    assert _who(app, _signed_in_cookie(app, "ana", "a brand new secret")) == "ana"


def test_users_cli_refuses_unknown_names_and_short_passwords(secured: Any) -> None:
    _app, settings = secured
    env = _env(settings)
    runner = CliRunner()
    for args in (["revoke-tokens", "nobody"], ["password", "nobody", "--password", PASSWORD]):
        result = runner.invoke(main, ["users", *args], env=env)
        assert result.exit_code != 0 and "no user 'nobody'" in result.output
    _cli(settings, "users", "add", "ana", "--password", PASSWORD)
    short = runner.invoke(main, ["users", "password", "ana", "--password", "short"], env=env)
    assert short.exit_code != 0 and "8 characters" in short.output


def test_a_session_ends_when_it_expires(secured: Any) -> None:
    app, settings = secured
    _cli(settings, "users", "add", "ana", "--password", PASSWORD)
    cookie = _signed_in_cookie(app, "ana")
    with session_scope(services_of(app).sessions) as session:
        stored = session.query(UserSession).one()
        lasts = stored.expires_at - stored.created_at
        session.execute(update(UserSession).values(expires_at=datetime.now(UTC) - timedelta(1)))
    assert lasts == timedelta(hours=settings.session_hours)
    assert _who(app, cookie) is None


def test_the_cookie_holds_no_user_id_and_the_database_no_session_key(secured: Any) -> None:
    app, settings = secured
    _cli(settings, "users", "add", "ana", "--password", PASSWORD)
    client = app.test_client()
    sign_in(client, "ana", PASSWORD)
    with client.session_transaction() as browser_session:
        key = browser_session["_user_id"]
    with session_scope(services_of(app).sessions) as session:
        stored = session.query(UserSession).one()
        user_id = session.query(User).one().id
    assert key != str(user_id) and len(key) >= 40
    assert stored.key_sha256 != key and key not in stored.key_sha256


def test_sign_in_refuses_a_post_without_this_browsers_form_token(secured: Any) -> None:
    app, settings = secured
    _cli(settings, "users", "add", "ana", "--password", PASSWORD)
    forged = app.test_client().post("/login", data={"username": "ana", "password": PASSWORD})
    assert forged.status_code == 400
    assert "came from another site" in forged.get_data(as_text=True)
    assert forged.headers.get("Location") is None
    # A token is bound to the browser that fetched the form: another site cannot reuse its own.
    attacker_token = form_token(app.test_client())
    victim = app.test_client()
    victim.get("/login")
    replay = victim.post(
        "/login", data={"username": "ana", "password": PASSWORD, "csrf_token": attacker_token}
    )
    assert replay.status_code == 400
    with session_scope(services_of(app).sessions) as session:
        assert session.query(UserSession).count() == 0
