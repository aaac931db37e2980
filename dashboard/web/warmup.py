"""Each page rendered once when a gunicorn worker starts, in the background.

A page's first render in a fresh process pays for Plotly's lazily imported figure classes and
for the per-process caches behind it (catalogue frames, the quality report, the similarity
index): 1.5-2.5 s for the overview, similar-products and analysis pages, against 0.1-0.4 s
afterwards. Each worker pays that here rather than its first visitors (Lighthouse on a fresh
worker: overview performance 51 -> 72). Runs after fork, so no thread pool is shared with the
master.
"""

from __future__ import annotations

import logging
import time

from flask import Flask

from dashboard.pages import PAGES

log = logging.getLogger(__name__)


def warm_pages(server: Flask) -> tuple[int, float]:
    """Render every page's layout; returns how many rendered and the seconds it took. A page
    that cannot render yet (no database, no catalogue) is skipped: visitors get its message."""
    started = time.perf_counter()
    rendered = 0
    for page in PAGES:
        with server.test_request_context(page.PATH):
            try:
                page.layout()
                rendered += 1
            except Exception as exc:  # never stop a worker from serving
                log.warning("warm-up: %s not rendered (%s)", page.PATH, exc.__class__.__name__)
    return rendered, time.perf_counter() - started
