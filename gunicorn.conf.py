"""gunicorn settings for Vitrine: `gunicorn -c gunicorn.conf.py dashboard.web.wsgi:server`.

Every value can be overridden by the environment named next to it, so the Procfile, the
Dockerfile and docker-compose.yml share this one file.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile

# Prometheus multiprocess mode: every worker writes its samples to files in one folder that the
# /metrics endpoint aggregates. It must be in the environment before any worker imports
# prometheus_client, hence here rather than in the app.
_metrics_dir_created = False
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="vitrine-metrics-")
    _metrics_dir_created = True

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# Inference is CPU-bound and ONNX Runtime already uses threads: one sync worker per core
# (at least 2, so a slow request never blocks health checks).
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
worker_class = "sync"
# ONNX Runtime's intra-op threads: the workers share the cores instead of each asking for them
# all (the app reads VITRINE_ONNX_THREADS; an explicit value wins).
os.environ.setdefault("VITRINE_ONNX_THREADS", str(max(1, multiprocessing.cpu_count() // workers)))
# The app (settings, database engine, ONNX sessions once loaded) is built once in the master
# and shared copy-on-write by the forked workers.
preload_app = os.environ.get("VITRINE_PRELOAD", "true").lower() != "false"
# A pixel-level SHAP explanation on the API takes a few seconds; nothing legitimate takes 60.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# SIGTERM: stop accepting, let in-flight predictions finish and be recorded, then exit.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then so a leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
# Control characters, quotes and backslashes a client sends are logged as escapes, so a
# "%0a" in a path cannot start a forged line.
logger_class = "dashboard.web.accesslog.EscapingLogger"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# One line per request with the request id the app echoes in X-Request-ID, and the worker pid.
access_log_format = (
    'request_id=%({x-request-id}o)s remote=%(h)s method=%(m)s path="%(U)s" status=%(s)s '
    "bytes=%(B)s duration_ms=%(M)s pid=%(p)s"
)


def on_starting(server: object) -> None:
    """Stale sample files from an earlier run would be counted again: start empty."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))


def child_exit(server: object, worker: object) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]


def on_exit(server: object) -> None:
    if _metrics_dir_created:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def post_worker_init(worker: object) -> None:
    """Every page rendered once as this worker starts (dashboard/web/warmup.py), in a thread: a
    large catalogue's similarity index can take longer to build than the worker timeout, and
    the worker must keep answering (health checks) meanwhile."""
    if os.environ.get("VITRINE_WARM_PAGES", "true").lower() == "false":
        return
    import threading

    from dashboard.web.warmup import warm_pages

    def warm() -> None:
        pages, seconds = warm_pages(worker.wsgi)  # type: ignore[attr-defined]
        worker.log.info("warm-up: %d pages rendered in %.1f s", pages, seconds)  # type: ignore[attr-defined]

    threading.Thread(target=warm, name="warm-pages", daemon=True).start()


def worker_exit(server: object, worker: object) -> None:
    """Leave with os._exit, as multiprocessing children do.

    A worker forked from a master that imported ONNX Runtime hangs in ORT's exit-time
    destructors (a condition variable copied mid-use from the master), so a plain exit would
    stall every shutdown until graceful_timeout and end in SIGKILL. The request in flight has
    already been answered and recorded when this runs.
    """
    import logging
    import sys

    leaving = sys.exc_info()[1]  # the SystemExit gunicorn is raising, with its exit code
    if isinstance(leaving, SystemExit):
        code = leaving.code if isinstance(leaving.code, int) else 1
    else:
        code = 0 if leaving is None else 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
