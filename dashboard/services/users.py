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

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.services.state import Services
from db.engine import session_scope
from db.repo_users import add_token, add_user, get_user, list_users, remove_user

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


def add_account(services: Services, username: str, password: str, role: str) -> None:
    if not USERNAME.fullmatch(username):
        raise AccountRejected("a username is 1-64 letters, digits, - or _")
    if len(password) < MIN_PASSWORD:
        raise AccountRejected(f"a password has at least {MIN_PASSWORD} characters")
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
