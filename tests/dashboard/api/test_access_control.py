"""VITRINE_AUTH=required: every role against every protected endpoint and page."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.services.users import hash_password, new_token
from dashboard.settings import Settings
from dashboard.web.app import create_app
from dashboard.web.context import services as services_of
from db.engine import session_scope
from db.models import ApiToken, User
from db.repo_users import add_token, add_user
from tests.conftest import make_settings
from tests.dashboard.api.dash_routing import route_page
from tests.dashboard.signin import sign_in

ROLES = ("viewer", "auditor", "admin")
RANK = {None: -1, "viewer": 0, "auditor": 1, "admin": 2}
PASSWORD = "correct horse battery"

# (method, path, JSON body or None, role needed; None = public)
ENDPOINTS: list[tuple[str, str, Any, str | None]] = [
    ("GET", "/api/health", None, None),
    ("GET", "/api/openapi.json", None, None),
    ("GET", "/api/docs", None, None),
    ("GET", "/metrics", None, None),
    ("GET", "/api/products/abc", None, "viewer"),
    ("GET", "/api/products/abc/image", None, "viewer"),
    ("GET", "/api/products/abc/similar", None, "viewer"),
    ("POST", "/api/predict", {"text": "a watch"}, "viewer"),
    ("GET", "/api/predictions/1/explanation", None, "viewer"),
    ("GET", "/api/predictions/1/photo", None, "viewer"),
    ("GET", "/api/model/info", None, "viewer"),
    ("GET", "/api/analysis/bivariate?x=retail_price&y=discounted_price", None, "viewer"),
    ("GET", "/api/audit/predictions", None, "auditor"),
    ("GET", "/api/audit/predictions?format=csv", None, "auditor"),
    ("GET", "/api/audit/drift-report", None, "auditor"),
    ("GET", "/api/reviews", None, "auditor"),
    ("POST", "/api/reviews", {"prediction_id": 1, "decision": "confirm"}, "auditor"),
    ("POST", "/api/model/activate", {"name": "fusion", "version": 1}, "admin"),
]
PAGES: list[tuple[str, str | None]] = [
    ("/", "viewer"),
    ("/predict", "viewer"),
    ("/catalogue", "viewer"),
    ("/explain", "viewer"),
    ("/models", "viewer"),
    ("/audit", "auditor"),
    ("/review", "auditor"),
    ("/drift", "auditor"),
    ("/accessibility", None),
]


@pytest.fixture
def secured(tmp_path: Path, sqlite_url: str) -> tuple[Any, dict[str, str]]:
    """An app with access control on, one account per role and a token for each."""
    from dashboard.web.resources import migrations_dir
    from db import migrations

    migrations.upgrade(sqlite_url, migrations_dir())
    app = create_app(make_settings(tmp_path, sqlite_url, auth="required"))
    tokens = {}
    with session_scope(services_of(app).sessions) as session:
        for role in ROLES:
            user = add_user(session, role, hash_password(PASSWORD), role)
            token, digest = new_token()
            add_token(session, user, "tests", digest)
            tokens[role] = token
    return app, tokens


def _call(client: Any, method: str, path: str, body: Any, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(path, method=method, json=body, headers=headers)


@pytest.mark.parametrize("who", [None, *ROLES])
@pytest.mark.parametrize(("method", "path", "body", "needed"), ENDPOINTS)
def test_api_answers_each_role_as_its_rights_say(
    secured: Any, who: str | None, method: str, path: str, body: Any, needed: str | None
) -> None:
    app, tokens = secured
    response = _call(app.test_client(), method, path, body, tokens.get(who or ""))
    if needed is None or RANK[who] >= RANK[needed]:
        assert response.status_code not in (401, 403), response.get_data(as_text=True)
    elif who is None:
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorised"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    else:
        assert response.status_code == 403
        assert response.get_json()["error"]["details"] == {"needed": needed, "role": who}


def test_a_wrong_token_is_refused(secured: Any) -> None:
    app, _tokens = secured
    response = _call(app.test_client(), "GET", "/api/model/info", None, "vt_made-up")
    assert response.status_code == 401


def _login(
    client: Any, username: str, password: str = PASSWORD, path: str = "/login", **extra: Any
) -> Any:
    return sign_in(client, username, password, path, **extra)


@pytest.mark.parametrize("who", [None, *ROLES])
@pytest.mark.parametrize(("path", "needed"), PAGES)
def test_pages_answer_each_role_as_its_rights_say(
    secured: Any, who: str | None, path: str, needed: str | None
) -> None:
    app, _tokens = secured
    client = app.test_client()
    if who:
        assert _login(client, who).status_code == 302
    response = client.get(path)
    if needed is None or RANK[who] >= RANK[needed]:
        assert response.status_code == 200
    elif who is None:
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/login?next={path}")
    else:
        assert response.status_code == 403


def test_in_app_navigation_cannot_reach_a_page_beyond_the_role(secured: Any) -> None:
    app, _tokens = secured
    viewer = app.test_client()
    _login(viewer, "viewer")
    shown = route_page(viewer, "/audit")
    assert "Your role does not allow this page" in shown and "Audit trail" not in shown
    auditor = app.test_client()
    _login(auditor, "auditor")
    assert "Audit trail" in route_page(auditor, "/audit")
    anonymous = app.test_client()
    assert "Sign in to see this page" in route_page(anonymous, "/predict")
    assert "Accessibility statement" in route_page(anonymous, "/accessibility")


def test_session_cookie_is_httponly_samesite_and_secure_behind_tls(secured: Any) -> None:
    app, _tokens = secured
    plain = _login(app.test_client(), "viewer").headers["Set-Cookie"]
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    # No proxy is trusted by default: a client's own X-Forwarded-Proto changes nothing...
    told = _login(app.test_client(), "viewer", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in told.headers["Set-Cookie"]
    # ...and behind the one proxy the operator declared, TLS there means a Secure cookie.
    services = services_of(app)
    proxied = create_app(services.settings.model_copy(update={"trusted_proxies": 1}))
    tls = _login(proxied.test_client(), "viewer", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in tls.headers["Set-Cookie"]


def test_login_page_refuses_bad_passwords_and_open_redirects(secured: Any) -> None:
    app, _tokens = secured
    client = app.test_client()
    page = client.get("/login?next=/audit").get_data(as_text=True)
    assert '<html lang="en">' in page and 'for="login-password"' in page
    wrong = _login(client, "viewer", password="wrong password")
    assert wrong.status_code == 401 and 'role="alert"' in wrong.get_data(as_text=True)
    assert "Set-Cookie" not in wrong.headers
    away = _login(client, "viewer", data={"next": "//evil.example/"})
    assert away.headers["Location"] == "/"
    assert client.post("/logout").status_code == 302
    assert client.get("/predict").status_code == 302  # signed out


# `next` values that browsers, proxies or the app could turn into another site, each as it
# appears in the query string of the sign-in URL (percent-encoding included).
LEAVING = [
    "//evil.example/",
    "/%09/evil.example",  # a tab: browsers drop it and read //evil.example
    "/%0a/evil.example",
    "/%0d%0a/evil.example",
    "%09//evil.example",
    "%20//evil.example",  # a leading space is stripped
    "%00//evil.example",
    "/%5Cevil.example",  # a backslash reads as a slash
    "%5C%5Cevil.example",
    "/%5C/evil.example",
    "%2F%2Fevil.example",  # encoded slashes, decoded once by the app
    "/%252F/evil.example",  # and twice, by a proxy and the app
    "/%25252F%25252Fevil.example",
    "///evil.example",
    "https://evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt%3Aalert(1)",
    "evil.example",
    "//evil.example@localhost/",
]
STAYING = {
    "/audit": "/audit",
    "/predict%3Fproduct%3Dabc": "/predict?product=abc",
    "/similar?product=a%2520b": "/similar?product=a%20b",
    "/explain%3Fprediction%3D3%09": "/explain?prediction=3",  # a trailing tab is dropped
}


@pytest.mark.parametrize("sent", LEAVING)
def test_sign_in_never_redirects_to_another_site(secured: Any, sent: str) -> None:
    app, _tokens = secured
    response = _login(app.test_client(), "viewer", path=f"/login?next={sent}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/", (sent, response.headers["Location"])


@pytest.mark.parametrize(("sent", "expected"), STAYING.items())
def test_sign_in_returns_to_the_page_asked_for(secured: Any, sent: str, expected: str) -> None:
    app, _tokens = secured
    response = _login(app.test_client(), "viewer", path=f"/login?next={sent}")
    assert response.headers["Location"] == expected


def test_passwords_and_tokens_are_stored_hashed(secured: Any) -> None:
    app, tokens = secured
    with session_scope(services_of(app).sessions) as session:
        users = session.query(User).all()
        stored = {t.token_sha256 for t in session.query(ApiToken).all()}
    assert all(u.password_hash.startswith("$argon2id$") for u in users)
    assert all(PASSWORD not in u.password_hash for u in users)
    for token in tokens.values():
        assert token not in stored
        assert hashlib.sha256(token.encode()).hexdigest() in stored


def test_open_mode_shows_that_access_control_is_off(client: Any) -> None:
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "Access control is off" in layout
    assert client.get("/api/audit/predictions").status_code == 200


def test_users_cli_adds_issues_tokens_and_removes(settings: Settings) -> None:
    env = {
        "DATABASE_URL": settings.database_url,
        "VITRINE_INSTANCE_DIR": str(settings.instance_dir),
    }
    runner = CliRunner()
    added = runner.invoke(
        main, ["users", "add", "ana", "--role", "auditor", "--password", PASSWORD], env=env
    )
    assert added.exit_code == 0, added.output
    again = runner.invoke(main, ["users", "add", "ana", "--password", PASSWORD], env=env)
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(main, ["users", "add", "bo", "--password", "short"], env=env)
    assert short.exit_code != 0 and "8 characters" in short.output
    issued = runner.invoke(main, ["users", "token", "ana"], env=env)
    token = issued.stdout.strip().splitlines()[0]
    assert issued.exit_code == 0 and token.startswith("vt_")
    app = create_app(settings.model_copy(update={"auth": "required"}))
    answer = app.test_client().get(
        "/api/audit/predictions", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200
    listed = runner.invoke(main, ["users", "list"], env=env)
    assert "ana" in listed.output and "auditor" in listed.output
    removed = runner.invoke(main, ["users", "remove", "ana"], env=env)
    assert removed.exit_code == 0
    after = app.test_client().get(
        "/api/audit/predictions", headers={"Authorization": f"Bearer {token}"}
    )
    assert after.status_code == 401  # the token went with the account
    missing = runner.invoke(main, ["users", "remove", "ana"], env=env)
    assert missing.exit_code != 0 and "no user" in missing.output
