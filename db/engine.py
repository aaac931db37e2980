"""Engine and session factory built from a database URL (SQLite file or PostgreSQL)."""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import ExceptionContext, make_url
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

    On PostgreSQL, `timeout_s` bounds connecting, waiting for a pooled connection and the ping
    of a connection taken from the pool, and `statement_timeout_s` any one statement (the
    server cancels it), so an unreachable or overloaded database answers with an error in
    seconds instead of holding a worker. libpq has no read timeout and both bounds are kept by
    the server, so over a frozen link (a stopped proxy, a half-dead network) the client would
    wait for ever: a connection that has not answered a statement within the two bounds
    together (the server's cancel plus its way back) is cut by this process."""
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
    event.listen(engine, "checkout", partial(_watch_and_ping, ping_s=timeout_s))
    event.listen(engine, "checkin", _unwatch)
    if timeout_s is not None and statement_timeout_s is not None:
        _watch_statements(engine, statement_timeout_s + timeout_s)
    return engine


@contextmanager
def answer_within(seconds: float) -> Iterator[None]:
    """PostgreSQL connections taken from the pool in this block are cut if they have not
    been given back within `seconds`, so the caller gets an error instead of waiting (for a
    write, possibly after the server committed: the caller must log that it does not know)."""
    token = _answer_within.set(seconds)
    try:
        yield
    finally:
        _answer_within.reset(token)


class _Watchdog:
    """One thread per process that cuts the connections whose deadline has passed."""

    TICK_S = 0.25

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a fork keeps no thread, nor a lock

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._due: dict[tuple[int, str], tuple[Any, float, float]] = {}
        self._thread: threading.Thread | None = None

    def watch(self, connection: Any, kind: str, seconds: float) -> None:
        due = (connection, time.monotonic() + seconds, seconds)
        with self._lock:
            self._due[(id(connection), kind)] = due
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="db-watchdog", daemon=True)
                self._thread.start()

    def unwatch(self, connection: Any, kind: str) -> None:
        with self._lock:
            self._due.pop((id(connection), kind), None)

    def _run(self) -> None:
        while True:
            time.sleep(self.TICK_S)
            now = time.monotonic()
            with self._lock:
                late = [key for key, (_c, deadline, _s) in self._due.items() if deadline <= now]
                expired = [self._due.pop(key) for key in late]
            for connection, _deadline, seconds in expired:
                if not connection.closed:  # else its socket number may be another's now
                    _cut(connection.fileno(), seconds)


_watchdog = _Watchdog()


def _watch_and_ping(
    dbapi_connection: Any, _record: Any, _proxy: Any, *, ping_s: float | None
) -> None:
    seconds = _answer_within.get()
    if seconds is not None:
        _watchdog.watch(dbapi_connection, "checkout", seconds)
    # The pessimistic ping (instead of pool_pre_ping, which runs before this event and so
    # unwatched): a stale connection is replaced, and the app recovers by itself after an
    # outage. A ping is instant, so it is bounded by the connect timeout.
    if ping_s is not None:
        _watchdog.watch(dbapi_connection, "ping", ping_s)
    try:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        dbapi_connection.rollback()  # end the ping's implicit transaction
    except Exception as error:
        _unwatch(dbapi_connection, _record)
        raise exc.DisconnectionError() from error
    finally:
        _watchdog.unwatch(dbapi_connection, "ping")


def _unwatch(dbapi_connection: Any, _record: Any) -> None:
    _watchdog.unwatch(dbapi_connection, "checkout")
    _watchdog.unwatch(dbapi_connection, "statement")


def _watch_statements(engine: Engine, seconds: float) -> None:
    def before(conn: Connection, *_args: Any) -> None:
        _watchdog.watch(conn.connection.dbapi_connection, "statement", seconds)

    def after(conn: Connection, *_args: Any) -> None:
        _watchdog.unwatch(conn.connection.dbapi_connection, "statement")

    def failed(context: ExceptionContext) -> None:
        if context.connection is not None and not context.connection.invalidated:
            after(context.connection)

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    event.listen(engine, "handle_error", failed)


def _cut(fd: int, seconds: float) -> None:
    """Shut the socket down under libpq: its blocked read returns at once with "server closed
    the connection", which SQLAlchemy treats as a disconnect (the connection is replaced)."""
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        return
    log.warning("cut a PostgreSQL connection that gave no answer within %g s", seconds)


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
