"""Engine and session factory built from a database URL (SQLite file or PostgreSQL)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(
    url: str,
    *,
    timeout_s: float | None = None,
    statement_timeout_s: float | None = None,
    **kwargs: Any,
) -> Engine:
    """Create an engine; a SQLite file's folder is created on first use.

    On PostgreSQL, `timeout_s` bounds connecting and waiting for a pooled connection, and
    `statement_timeout_s` any one statement (the server cancels it), so an unreachable or
    overloaded database answers with an error in seconds instead of holding a worker."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pre_ping lets the app recover by itself after the database comes back.
    kwargs.setdefault("pool_pre_ping", True)
    if timeout_s is not None:
        kwargs.setdefault("pool_timeout", timeout_s)
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args.setdefault("connect_timeout", max(1, math.ceil(timeout_s)))
        if statement_timeout_s is not None:
            ms = int(statement_timeout_s * 1000)
            connect_args.setdefault("options", f"-c statement_timeout={ms}")
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the dashboard read while a CLI job writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
