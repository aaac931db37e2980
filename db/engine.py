"""Engine and session factory built from a database URL (SQLite file or PostgreSQL)."""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
# Seconds a connection taken from the pool in this context may go without an answer.
_answer_within: ContextVar[float | None] = ContextVar("vitrine_db_answer_within", default=None)


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
    if timeout_s is not None:
        kwargs.setdefault("pool_timeout", timeout_s)
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args.setdefault("connect_timeout", max(1, math.ceil(timeout_s)))
        if statement_timeout_s is not None:
            ms = int(statement_timeout_s * 1000)
            connect_args.setdefault("options", f"-c statement_timeout={ms}")
    engine = create_engine(url, **kwargs)
    event.listen(engine, "checkout", _watch_and_ping)
    event.listen(engine, "checkin", _unwatch)
    return engine


@contextmanager
def answer_within(seconds: float) -> Iterator[None]:
    """PostgreSQL connections taken from the pool in this block are cut if they have not
    been given back within `seconds`, so the caller gets an error instead of waiting.

    libpq has no read timeout and statement_timeout is enforced by the server, so a frozen
    link (a stopped proxy, a half-dead network) would otherwise hold the caller until the
    web server kills it, possibly after the server committed: a row without an answer."""
    token = _answer_within.set(seconds)
    try:
        yield
    finally:
        _answer_within.reset(token)


def _watch_and_ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    seconds = _answer_within.get()
    if seconds is not None:
        fd = dbapi_connection.fileno()
        timer = threading.Timer(seconds, _cut, (fd, seconds))
        timer.daemon = True
        timer.start()
        record.info["vitrine_watch"] = timer
    # The pessimistic ping (instead of pool_pre_ping, which runs before this event and so
    # unwatched): a stale connection is replaced, and the app recovers by itself after an
    # outage.
    try:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        dbapi_connection.rollback()  # end the ping's implicit transaction
    except Exception as error:
        _unwatch(dbapi_connection, record)
        raise exc.DisconnectionError() from error


def _unwatch(_dbapi_connection: Any, record: Any) -> None:
    timer = record.info.pop("vitrine_watch", None)
    if timer is not None:
        timer.cancel()


def _cut(fd: int, seconds: float) -> None:
    """Shut the socket down under libpq: its blocked read returns at once with "server closed
    the connection", which SQLAlchemy treats as a disconnect (the connection is replaced)."""
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        return
    log.warning("cut a PostgreSQL connection that gave no answer within %s s", seconds)


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
