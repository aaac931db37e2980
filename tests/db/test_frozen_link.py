"""Over a frozen link to PostgreSQL every statement ends with an error instead of a wait for
ever, and a connection whose statement failed normally is not cut later by mistake."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from db.engine import make_engine
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres

TIMEOUT_S = 1.0  # connect, pool wait and the checkout ping
STATEMENT_TIMEOUT_S = 1.0  # the server's; the client cuts a silent link after both


@pytest.fixture
def proxied(postgres_url: str) -> Iterator[tuple[Engine, TcpProxy]]:
    real = make_url(postgres_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432).start()
    url = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    engine = make_engine(url, timeout_s=TIMEOUT_S, statement_timeout_s=STATEMENT_TIMEOUT_S)
    try:
        yield engine, proxy
    finally:
        proxy.thaw()
        engine.dispose()
        proxy.cut()


def _outcome(
    work: Callable[[], Any], proxy: TcpProxy, wait_s: float = 60
) -> BaseException | None:
    """What `work` raised, or None; fails the test if it is still waiting after `wait_s`
    (a hang, not a slow answer: the bounds here are a few seconds)."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            work()
            outcome.append(None)
        except BaseException as error:  # handed to the test
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(wait_s)
    if not outcome:
        proxy.thaw()  # so that the test ends instead of hanging in its clean-up
        pytest.fail(f"still waiting for the database after {wait_s} s")
    return outcome[0]


def test_a_statement_over_a_link_that_freezes_mid_session_fails(
    proxied: tuple[Engine, TcpProxy],
) -> None:
    engine, proxy = proxied
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
        proxy.freeze()
        error = _outcome(lambda: conn.execute(text("SELECT 2")), proxy)
    assert isinstance(error, OperationalError) and error.connection_invalidated
    proxy.thaw()
    # The engine recovers by itself: the cut connection was replaced.
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 3")).scalar() == 3


def test_taking_a_pooled_connection_over_a_frozen_link_fails(
    proxied: tuple[Engine, TcpProxy],
) -> None:
    engine, proxy = proxied
    with engine.connect() as conn:  # one connection in the pool, alive
        conn.execute(text("SELECT 1"))
    proxy.freeze()

    def read() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    assert isinstance(_outcome(read, proxy), DBAPIError)


def test_the_server_cancels_a_slow_statement_and_the_connection_lives_on(
    proxied: tuple[Engine, TcpProxy],
) -> None:
    engine, proxy = proxied
    with engine.connect() as conn:
        slow = _outcome(lambda: conn.execute(text("SELECT pg_sleep(5)")), proxy)
        assert isinstance(slow, OperationalError) and "statement timeout" in str(slow)
        assert not slow.connection_invalidated  # cancelled by the server, not cut by us
        conn.rollback()
        failed = _outcome(lambda: conn.execute(text("SELECT 1 / 0")), proxy)
        assert isinstance(failed, DBAPIError)
        conn.rollback()
        # Idle for longer than the watchdog's bound after an ordinary failure: the failed
        # statement's watch was dropped, so the connection is not cut later.
        conn.execute(text("SELECT 1"))
        threading.Event().wait(TIMEOUT_S + STATEMENT_TIMEOUT_S + 1)
        assert conn.execute(text("SELECT 4")).scalar() == 4
        assert not conn.invalidated
