"""Accounts and API tokens. Passwords and tokens arrive here already hashed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import ApiToken, User, UserSession


def add_user(session: Session, username: str, password_hash: str, role: str) -> User:
    if get_user(session, username) is not None:
        raise ValueError(f"user {username!r} already exists")
    user = User(username=username, password_hash=password_hash, role=role)
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def remove_user(session: Session, username: str) -> bool:
    user = get_user(session, username)
    if user is None:
        return False
    # Explicit, so SQLite (foreign keys on, but be sure) and PostgreSQL behave the same.
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.delete(user)
    session.flush()
    return True


def set_password_hash(session: Session, user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    session.flush()


def add_token(session: Session, user: User, label: str, token_sha256: str) -> ApiToken:
    token = ApiToken(user_id=user.id, label=label, token_sha256=token_sha256)
    session.add(token)
    session.flush()
    return token


def user_for_token(session: Session, token_sha256: str) -> User | None:
    return session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_sha256 == token_sha256)
    )


def remove_tokens(session: Session, user: User) -> int:
    result = session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def add_session(
    session: Session, user_id: int, key_sha256: str, created_at: datetime, expires_at: datetime
) -> None:
    session.add(
        UserSession(
            user_id=user_id, key_sha256=key_sha256, created_at=created_at, expires_at=expires_at
        )
    )
    session.flush()


def user_for_session(session: Session, key_sha256: str, now: datetime) -> User | None:
    return session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.key_sha256 == key_sha256, UserSession.expires_at > now)
    )


def end_session(session: Session, key_sha256: str) -> int:
    result = session.execute(delete(UserSession).where(UserSession.key_sha256 == key_sha256))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def end_sessions(session: Session, user: User) -> int:
    result = session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def sweep_sessions(session: Session, now: datetime) -> None:
    """Forget expired sessions (they already authenticate no one)."""
    session.execute(delete(UserSession).where(UserSession.expires_at <= now))
