"""What the PostgreSQL benchmarks share: a database of their own, migrated, dropped after, and
a median / 95th percentile timer."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dashboard.web.resources import migrations_dir
from db import migrations


@contextmanager
def scratch_database(server: str, name: str, keep: bool = False) -> Iterator[str]:
    """A fresh database `name` on `server`, migrated to head; yields its URL, then drops it
    unless `keep`."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        migrations.upgrade(url, migrations_dir())
        yield url
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def timed(fn: Callable[[], Any], repeat: int = 20) -> tuple[float, float]:
    """(median, 95th percentile) of `repeat` calls, in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000
