"""Prometheus metrics: requests, latencies and predictions, served at /metrics.

Labels are route templates, methods, statuses, categories and model versions only: never a
raw path, a product id, a request id or anything a user typed.
Under gunicorn (PROMETHEUS_MULTIPROC_DIR set by gunicorn.conf.py) every worker writes its samples
to a shared folder and a scrape adds them up, whichever worker answers it.
"""

from __future__ import annotations

import os
import time

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess

REQUESTS = Counter(
    "vitrine_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
LATENCY = Histogram(
    "vitrine_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
# Any other method (a client may send any token) is counted as "other", so the label set
# stays bounded.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _method() -> str:
    return request.method if request.method in METHODS else "other"


def _route() -> str:
    """The URL rule (/api/products/<uniq_id>), so ids never become label values."""
    if request.url_rule is not None:
        return request.url_rule.rule
    return "unmatched"


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def install(server: Flask) -> None:
    """After requestlog.install, whose start time (g.request_started) the latency uses."""

    @server.after_request
    def _count(response: Response) -> Response:
        route = _route()
        # Dash's own plumbing (callbacks, assets) would drown the page and API figures.
        if not route.startswith(("/_dash-", "/assets/", "/_reload-hash", "/_favicon")):
            started = g.get("request_started")
            method = _method()
            REQUESTS.labels(method, route, str(response.status_code)).inc()
            if started is not None:
                LATENCY.labels(method, route).observe(time.perf_counter() - started)
        return response

    @server.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)
