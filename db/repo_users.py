"""Accounts and API tokens. Passwords and tokens arrive here already hashed."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import ApiToken, User


def add_user(session: Session, username: str, password_hash: str, role: str) -> User:
    if get_user(session, username) is not None:
        raise ValueError(f"user {username!r} already exists")
    user = User(username=username, password_hash=password_hash, role=role)
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def get_user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def remove_user(session: Session, username: str) -> bool:
    user = get_user(session, username)
    if user is None:
        return False
    # Explicit, so SQLite (foreign keys on, but be sure) and PostgreSQL behave the same.
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    session.delete(user)
    session.flush()
    return True



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
