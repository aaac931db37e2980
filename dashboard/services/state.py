"""What every capability needs, built once by the app factory or the CLI: settings, the database,
and the expensive state computed from them (loaded models, indexes, reports, explanations)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from cachelib import BaseCache, FileSystemCache, RedisCache
from redis import Redis, RedisError
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from dashboard.settings import Settings
from db.engine import make_engine, make_session_factory

log = logging.getLogger(__name__)
T = TypeVar("T")
RESULT_TIMEOUT_S = 24 * 3600


class Memo:
    """One slot per name: the value built for the newest key. A new key (another catalogue or
    model version) replaces the slot, so memory holds only what is current. Each name has its
    own lock: loading models never waits for the similarity index to build."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._slots: dict[str, tuple[Hashable, Any]] = {}

    def get(self, name: str, key: Hashable, build: Callable[[], T]) -> T:
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            slot = self._slots.get(name)
            if slot is None or slot[0] != key:
                self._slots.pop(name, None)  # the stale value may be freed while building
                self._slots[name] = (key, build())
            value: T = self._slots[name][1]
            return value

    def has(self, name: str, key: Hashable) -> bool:
        slot = self._slots.get(name)
        return slot is not None and slot[0] == key

    def clear(self) -> None:
        with self._guard:
            self._slots.clear()


class OutageTolerantCache(RedisCache):
    """A Redis cache that, while Redis is down, misses and forgets instead of failing: a cache
    outage costs recomputation, never an answer."""

    def get(self, key: str) -> Any:
        try:
            return super().get(key)
        except RedisError as exc:
            _cache_down(exc)
            return None

    def set(self, key: str, value: Any, timeout: int | timedelta | None = None) -> Any:
        try:
            return super().set(key, value, timeout)
        except RedisError as exc:
            _cache_down(exc)
            return False


def _cache_down(exc: RedisError) -> None:
    log.warning("result cache unavailable (Redis): %s", exc.__class__.__name__)


def redis_client(url: str) -> Redis:
    """A client that gives up within seconds when Redis does not answer."""
    return Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)


def result_cache(settings: Settings, client: Redis | None = None) -> BaseCache:
    """Slow results (explanations) shared by every process of an instance: Redis when
    VITRINE_CACHE_URL names one (through `client` when given), else a folder."""
    if settings.uses_redis:
        return OutageTolerantCache(
            client or redis_client(settings.cache_url or ""),
            default_timeout=RESULT_TIMEOUT_S,
            key_prefix="vitrine:",
        )
    return FileSystemCache(
        str(settings.instance_dir / "cache"), threshold=2000, default_timeout=RESULT_TIMEOUT_S
    )


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    memo: Memo = field(default_factory=Memo)
    redis: Redis | None = field(init=False)  # one client (and connection pool) per process
    results: BaseCache = field(init=False)

    def __post_init__(self) -> None:
        url = self.settings.cache_url
        self.redis = redis_client(url) if self.settings.uses_redis and url else None
        self.results = result_cache(self.settings, self.redis)

    def redis_status(self) -> str:
        """ok, unavailable (configured but not answering) or not_configured."""
        if self.redis is None:
            return "not_configured"
        try:
            self.redis.ping()
        except RedisError as exc:
            log.warning("Redis unavailable: %s", exc.__class__.__name__)
            return "unavailable"
        return "ok"

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        engine = make_engine(
            settings.database_url,
            timeout_s=settings.db_timeout_s,
            statement_timeout_s=settings.db_statement_timeout_s,
        )
        return cls(settings=settings, engine=engine, sessions=make_session_factory(engine))
