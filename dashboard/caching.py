"""flask-caching for expensive reads: Redis when VITRINE_CACHE_URL names one, else a folder.

Either way every web worker (and the Celery worker) of an instance reads the same entries, so a
result computed once is served by whichever process answers next.
"""

from __future__ import annotations

from flask import Flask
from flask_caching import Cache

from dashboard.settings import Settings

cache = Cache()


def uses_redis(settings: Settings) -> bool:
    return bool(settings.cache_url and settings.cache_url.startswith(("redis://", "rediss://")))


def cache_config(settings: Settings) -> dict[str, object]:
    common: dict[str, object] = {"CACHE_DEFAULT_TIMEOUT": 24 * 3600, "CACHE_KEY_PREFIX": "vitrine:"}
    if uses_redis(settings):
        return {**common, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings.cache_url}
    return {
        **common,
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(settings.instance_dir / "cache"),
        "CACHE_THRESHOLD": 2000,
    }


def install(server: Flask, settings: Settings) -> None:
    cache.init_app(server, config=cache_config(settings))
