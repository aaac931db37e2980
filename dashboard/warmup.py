"""Each page rendered once when a gunicorn worker starts, before it takes requests.

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


def warm_pages(server: Flask) -> None:
    """Render every page's layout; a page that cannot render yet (no database, no catalogue)
    is skipped: it renders its own message to visitors."""
    started = time.perf_counter()
    for page in PAGES:
        with server.test_request_context(page.PATH):
            try:
                page.layout()
            except Exception as exc:  # never stop a worker from starting
                log.info("warm-up: %s not rendered (%s)", page.PATH, exc.__class__.__name__)
    log.info("warm-up: %d pages rendered in %.1f s", len(PAGES), time.perf_counter() - started)
