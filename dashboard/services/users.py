"""Accounts and API tokens: the rules for names and passwords, and how secrets are hashed.

Roles nest: a viewer uses the dashboard and predicts; an auditor also reads the audit trail,
exports it and watches drift; an admin also activates model versions and manages users.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.services.state import Services
from db.engine import session_scope
from db.repo_users import (
    add_session,
    add_token,
    add_user,
    end_session,
    end_sessions,
    get_user,
    list_users,
    remove_tokens,
    remove_user,
    set_password_hash,
    sweep_sessions,
    user_for_session,
)

ROLES = ("viewer", "auditor", "admin")
RANK = {role: rank for rank, role in enumerate(ROLES)}
MIN_PASSWORD = 8
USERNAME = re.compile(r"[A-Za-z0-9_-]{1,64}")

_hasher = PasswordHasher()


class AccountRejected(ValueError):
    """A name, password or role that cannot be used, said in one line."""


@dataclass(frozen=True)
class AccountInfo:
    id: int
    username: str
    role: str


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> tuple[str, str]:
    """(token shown once to the user, its SHA-256 stored). Tokens are random, so a fast hash
    is enough; passwords, chosen by people, get argon2."""
    token = "vt_" + secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountRejected(f"a password has at least {MIN_PASSWORD} characters")


def add_account(services: Services, username: str, password: str, role: str) -> None:
    if not USERNAME.fullmatch(username):
        raise AccountRejected("a username is 1-64 letters, digits, - or _")
    _check_password_rules(password)
    if role not in RANK:
        raise AccountRejected(f"unknown role {role!r}; known: {', '.join(ROLES)}")
    try:
        with session_scope(services.sessions) as session:
            add_user(session, username, hash_password(password), role)
    except ValueError as exc:  # the name is taken
        raise AccountRejected(str(exc)) from exc


def remove_account(services: Services, username: str) -> None:
    with session_scope(services.sessions) as session:
        if not remove_user(session, username):
            raise AccountRejected(f"no user {username!r}")


def issue_token(services: Services, username: str, label: str) -> str:
    """A new API token for `username`, returned once: only its digest is stored."""
    token, digest = new_token()
    with session_scope(services.sessions) as session:
        user = get_user(session, username)
        if user is None:
            raise AccountRejected(f"no user {username!r}")
        add_token(session, user, label[:64], digest)
    return token


@dataclass(frozen=True)
class Revoked:
    tokens: int
    sessions: int


def revoke_credentials(services: Services, username: str) -> Revoked:
    """Every API token and every signed-in session of `username` stop working now."""
    with session_scope(services.sessions) as session:
        user = get_user(session, username)
        if user is None:
            raise AccountRejected(f"no user {username!r}")
        return Revoked(remove_tokens(session, user), end_sessions(session, user))


def change_password(services: Services, username: str, password: str) -> int:
    """Set a new password and sign the account out everywhere; returns the sessions ended.
    API tokens are separate credentials: `revoke_credentials` ends those too."""
    _check_password_rules(password)
    with session_scope(services.sessions) as session:
        user = get_user(session, username)
        if user is None:
            raise AccountRejected(f"no user {username!r}")
        set_password_hash(session, user, hash_password(password))
        return end_sessions(session, user)


def start_session(services: Services, account: AccountInfo) -> str:
    """A new session for a signed-in account: the random key goes in the (signed) cookie, only
    its digest is stored, and it ends after `session_hours` at the latest."""
    key = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = now + timedelta(hours=services.settings.session_hours)
    with session_scope(services.sessions) as session:
        sweep_sessions(session, now)
        add_session(session, account.id, token_digest(key), now, expires)
    return key


def account_for_session(services: Services, key: str) -> AccountInfo | None:
    with session_scope(services.sessions) as session:
        user = user_for_session(session, token_digest(key), datetime.now(UTC))
        return AccountInfo(user.id, user.username, user.role) if user else None


def end_session_key(services: Services, key: str) -> None:
    with session_scope(services.sessions) as session:
        end_session(session, token_digest(key))


def accounts(services: Services) -> list[AccountInfo]:
    with session_scope(services.sessions) as session:
        return [AccountInfo(u.id, u.username, u.role) for u in list_users(session)]


def check_password(services: Services, username: str, password: str) -> AccountInfo | None:
    with session_scope(services.sessions) as session:
        user = get_user(session, username)
        if user is None:
            # Same work either way, so timing does not tell which usernames exist.
            verify_password(_dummy_hash(), password)
            return None
        if not verify_password(user.password_hash, password):
            return None
        return AccountInfo(user.id, user.username, user.role)


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash("not a real password")
