"""Pixel-level explanations asked for through the API run off the request thread.

A pixel map costs seconds to a minute of CPU. Computed on the request thread it held a web
worker for that long, and four at once left none for `/api/health`. The API answers 202 at
once and the same address answers 200 once the map is in the result cache, which every worker
and instance reads. Which jobs are queued, running or failed is kept in that cache too.

With Redis the job is a Celery task run by `vitrine worker` (as the Explain page's background
jobs are). Otherwise each web worker runs one job at a time in a forked child process at low
CPU priority, so requests keep their share of the cores and jobs queue instead of piling up.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

from celery import Celery
from flask import Flask

from dashboard.services.explain import NotExplainable, explain_prediction
from dashboard.services.prediction import ModelsNotReady
from dashboard.web.context import services

log = logging.getLogger(__name__)

STATE_PREFIX = "pixel-job:"
# A job that died without a word (its process killed) is forgotten after this long, so a new
# request starts it again instead of waiting for ever.
STATE_TIMEOUT_S = 15 * 60
PROGRESS_EVERY_S = 1.0
CELERY_TASK = "vitrine.explain_pixels"
EXTENSION_KEY = "vitrine_pixel_jobs"


@dataclass(frozen=True)
class PixelJob:
    key: str  # the explanation's result-cache key
    prediction_id: int
    target: str | None
    max_evals: int
    only_by: int | None


def job_state(server: Flask, key: str) -> dict[str, Any] | None:
    """{"status": queued|running|failed, ...} of the job for explanation `key`, if any.
    A local job whose process is gone (a web worker restarted with jobs queued, a child
    killed) is forgotten, so the next request starts it again."""
    state = services(server).results.get(STATE_PREFIX + key)
    if not isinstance(state, dict):
        return None
    if state["status"] != "failed" and not _alive(state.get("pid")):
        forget(server, key)
        return None
    return state


def _alive(pid: int | None) -> bool:
    """Jobs run on this host when they carry a pid (no Redis: the cache is a local folder)."""
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def forget(server: Flask, key: str) -> None:
    services(server).results.delete(STATE_PREFIX + key)


def _set_state(server: Flask, key: str, **state: Any) -> None:
    services(server).results.set(STATE_PREFIX + key, state, timeout=STATE_TIMEOUT_S)


def _failed(server: Flask, key: str, http: int, code: str, message: str) -> None:
    _set_state(server, key, status="failed", http=http, code=code, message=message)


def compute(server: Flask, job: PixelJob, *, local: bool = False) -> None:
    """Run one job to the end, leaving its map in the cache or its failure in its state."""
    last = 0.0
    pid = os.getpid() if local else None

    def report(done: int, total: int) -> None:
        nonlocal last
        if time.monotonic() - last >= PROGRESS_EVERY_S or done >= total:
            last = time.monotonic()
            _set_state(server, job.key, status="running", done=done, total=total, pid=pid)

    with server.app_context():
        report(0, job.max_evals)
        try:
            explain_prediction(
                services(server),
                job.prediction_id,
                target=job.target,
                pixels=True,
                max_evals=job.max_evals,
                progress=report,
                only_by=job.only_by,
            )
        except NotExplainable as exc:
            _failed(server, job.key, 404, "not_explainable", str(exc.args[0]))
        except ModelsNotReady as exc:
            _failed(server, job.key, 503, "models_not_ready", str(exc))
        except Exception:
            log.exception("pixel explanation of prediction %s failed", job.prediction_id)
            _failed(server, job.key, 503, "explanation_failed", "the explanation failed")
        else:
            forget(server, job.key)


class PixelJobs:
    """Starts jobs on the instance's background runner: Celery or a local child process."""

    def __init__(self, server: Flask, celery: Celery | None) -> None:
        self._server = server
        self._task = None
        if celery is not None:
            # Registered by every process that builds the app: web workers send, workers run.

            def explain_pixels(fields: dict[str, Any]) -> None:
                compute(server, PixelJob(**fields))

            self._task = celery.task(name=CELERY_TASK, ignore_result=True)(explain_pixels)
        self._runner: ThreadPoolExecutor | None = None
        self._runner_pid = 0

    def start(self, job: PixelJob) -> bool:
        """Queue `job` unless it is queued or running already; True when this call queued it."""
        results = services(self._server).results
        queued: dict[str, Any] = {"status": "queued"}
        if self._task is None:
            queued["pid"] = os.getpid()
        if not results.add(STATE_PREFIX + job.key, queued, timeout=STATE_TIMEOUT_S):
            return False
        if self._task is not None:
            self._task.apply_async(args=[asdict(job)], retry=False)
        else:
            self._local_runner().submit(self._run_child, job)
        return True

    def _local_runner(self) -> ThreadPoolExecutor:
        # One per process, made after gunicorn forked the worker (threads do not survive forks).
        if self._runner is None or self._runner_pid != os.getpid():
            self._runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pixel-job")
            self._runner_pid = os.getpid()
        return self._runner

    def _run_child(self, job: PixelJob) -> None:
        """Waits (on a thread of the web worker) for a child process that does the work."""
        process = multiprocessing.get_context("fork").Process(
            target=_child, args=(self._server, job), name="vitrine-pixel-job", daemon=True
        )
        process.start()
        process.join()
        if process.exitcode != 0:
            log.error("pixel job of prediction %s exited %s", job.prediction_id, process.exitcode)
            _failed(self._server, job.key, 503, "explanation_failed", "the explanation failed")


def _child(server: Flask, job: PixelJob) -> None:
    code = 1
    try:
        os.nice(10)  # web requests first
        # The parent's pooled database connections are its own: open fresh ones.
        services(server).engine.dispose(close=False)
        compute(server, job, local=True)
        code = 0
    finally:
        # Leave without the interpreter's shutdown: in a child forked from a thread it fails
        # (and would exit 1 after the work is done).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def install(server: Flask, celery: Celery | None) -> PixelJobs:
    jobs = PixelJobs(server, celery)
    server.extensions[EXTENSION_KEY] = jobs
    return jobs


def pixel_jobs(server: Flask) -> PixelJobs:
    jobs: PixelJobs = server.extensions[EXTENSION_KEY]
    return jobs
