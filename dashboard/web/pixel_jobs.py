"""Pixel-level explanations asked for through the API run off the request thread.

A pixel map costs seconds to a minute of CPU. Computed on the request thread it held a web
worker for that long, and four at once left none for `/api/health`. The API answers 202 at
once and the same address answers 200 once the map is in the result cache, which every worker
and instance reads. Which jobs are queued, running or failed is kept in that cache too.

With Redis the job is a Celery task run by `vitrine worker` (as the Explain page's background
jobs are). Otherwise each web worker runs one job at a time in a child process at low CPU
priority, so requests keep their share of the cores and jobs queue instead of piling up. The
child is a fresh interpreter, not a fork: a fork of a worker that runs threads (ONNX Runtime's
and torch's pools, the job runner itself) can inherit a lock held by another thread and hang
for ever, which it did in CI. A job has a deadline; a child still running at exit is killed.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import asdict, dataclass, replace
from typing import Any

from celery import Celery
from flask import Flask

from dashboard.services.explain import NotExplainable, explain_prediction
from dashboard.services.prediction import ModelsNotReady
from dashboard.services.processes import alive
from dashboard.settings import Settings
from dashboard.web.context import services

log = logging.getLogger(__name__)

STATE_PREFIX = "pixel-job:"
CANCEL_PREFIX = "pixel-job-cancelled:"
# A job that died without a word (its process killed) is forgotten after this long, so a new
# request starts it again instead of waiting for ever.
STATE_TIMEOUT_S = 15 * 60
# A local job still running after this long is killed and reported as failed.
JOB_DEADLINE_S = 10 * 60
CHILD_MODULE = "dashboard.web.pixel_job_child"
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
    task_id: str | None = None  # the Celery task that runs it, so it can be revoked


def job_state(server: Flask, key: str) -> dict[str, Any] | None:
    """{"status": queued|running|failed|cancelled, ...} of the job for explanation `key`, if any.
    A local job whose process is gone (a web worker restarted with jobs queued, a child
    killed) is forgotten, so the next request starts it again."""
    state = services(server).results.get(STATE_PREFIX + key)
    if not isinstance(state, dict):
        return None
    if state["status"] in ("queued", "running") and not _alive(state.get("pid")):
        forget(server, key)
        return None
    return state


def _alive(pid: int | None) -> bool:
    """Jobs run on this host when they carry a pid (no Redis: the cache is a local folder)."""
    return pid is None or alive(pid)


def forget(server: Flask, key: str) -> None:
    services(server).results.delete(STATE_PREFIX + key)


def _set_state(server: Flask, key: str, **state: Any) -> None:
    services(server).results.set(STATE_PREFIX + key, state, timeout=STATE_TIMEOUT_S)


def _failed(server: Flask, key: str, http: int, code: str, message: str) -> None:
    _set_state(server, key, status="failed", http=http, code=code, message=message)


class _Cancelled(Exception):
    """Raised from a job's progress report once its cancel flag is seen."""


def _cancel_flag(key: str) -> str:
    # Apart from the state, which the job itself overwrites as it reports its progress.
    return CANCEL_PREFIX + key


def compute(server: Flask, job: PixelJob, *, local: bool = False) -> None:
    """Run one job to the end, leaving its map in the cache or its failure in its state."""
    last = 0.0
    pid = os.getpid() if local else None
    results = services(server).results

    def report(done: int, total: int) -> None:
        nonlocal last
        if time.monotonic() - last >= PROGRESS_EVERY_S or done >= total:
            last = time.monotonic()
            if results.get(_cancel_flag(job.key)):
                raise _Cancelled
            _set_state(
                server, job.key, status="running", done=done, total=total, pid=pid, task=job.task_id
            )

    with server.app_context():
        try:
            report(0, job.max_evals)
            explain_prediction(
                services(server),
                job.prediction_id,
                target=job.target,
                pixels=True,
                max_evals=job.max_evals,
                progress=report,
                only_by=job.only_by,
            )
        except _Cancelled:
            forget(server, job.key)
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
        self._celery = celery
        if celery is not None:
            # Registered by every process that builds the app: web workers send, workers run.

            def explain_pixels(fields: dict[str, Any]) -> None:
                compute(server, PixelJob(**fields))

            self._task = celery.task(name=CELERY_TASK, ignore_result=True)(explain_pixels)
        self._queue: queue.SimpleQueue[PixelJob] | None = None
        self._runner_pid = 0

    def start(self, job: PixelJob) -> bool:
        """Queue `job` unless it is queued or running already; True when this call queued it."""
        results = services(self._server).results
        if self._task is not None:
            job = replace(job, task_id=uuid.uuid4().hex)
        queued: dict[str, Any] = {"status": "queued", "task": job.task_id}
        if self._task is None:
            queued["pid"] = os.getpid()
        if not results.add(STATE_PREFIX + job.key, queued, timeout=STATE_TIMEOUT_S):
            return False
        results.delete(_cancel_flag(job.key))
        if self._task is not None:
            self._task.apply_async(args=[asdict(job)], task_id=job.task_id, retry=False)
        else:
            self._local_queue().put(job)
        return True

    def ensure(self, job: PixelJob) -> tuple[dict[str, Any], bool]:
        """The job's state, starting it when nobody has (or it was cancelled); and whether this
        call started it. A failure is returned once, then forgotten so that the next call
        tries again."""
        state = job_state(self._server, job.key)
        if state is not None and state["status"] == "cancelled":
            forget(self._server, job.key)
            state = None
        started = state is None and self.start(job)
        if state is None:
            state = job_state(self._server, job.key) or {"status": "queued"}
        if state["status"] == "failed":
            forget(self._server, job.key)
        return state, started

    def cancel(self, key: str) -> None:
        """Stop the job of explanation `key`. A queued job is skipped (the local runner checks;
        a Celery task is revoked); a running one stops at its next progress report, and a local
        child is killed at once."""
        state = job_state(self._server, key)
        if state is None or state["status"] in ("failed", "cancelled"):
            return
        services(self._server).results.set(_cancel_flag(key), True, timeout=STATE_TIMEOUT_S)
        _set_state(self._server, key, status="cancelled")
        if self._celery is not None:
            if state.get("task"):
                self._celery.control.revoke(state["task"])
        elif state["status"] == "running" and state.get("pid"):
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(state["pid"]), signal.SIGTERM)

    def _local_queue(self) -> queue.SimpleQueue[PixelJob]:
        # One runner thread per process, made after gunicorn forked the worker (threads do not
        # survive forks). It is a daemon: a process that exits does not wait for its jobs.
        if self._queue is None or self._runner_pid != os.getpid():
            self._queue = queue.SimpleQueue()
            self._runner_pid = os.getpid()
            threading.Thread(
                target=self._run_local, args=(self._queue,), name="pixel-jobs", daemon=True
            ).start()
        return self._queue

    def _run_local(self, jobs: queue.SimpleQueue[PixelJob]) -> None:
        while True:
            job = jobs.get()
            if not self._still_wanted(job.key):
                continue
            try:
                failure = run_child(services(self._server).settings, job)
            except SystemExit:  # a test server stopping its threads: the process is leaving
                return
            except Exception:
                log.exception("pixel job of prediction %s could not start", job.prediction_id)
                failure = "the explanation could not start"
            if failure == STOPPED:
                forget(self._server, job.key)
            elif failure and self._still_wanted(job.key):
                _failed(self._server, job.key, 503, "explanation_failed", failure)

    def _still_wanted(self, key: str) -> bool:
        """False for a job cancelled while queued or running (its state is then forgotten)."""
        if services(self._server).results.get(_cancel_flag(key)):
            forget(self._server, key)
            return False
        return True


_children: set[subprocess.Popen[bytes]] = set()
STOPPED = "stopped"


def run_child(settings: Settings, job: PixelJob) -> str | None:
    """Run `job` in a child interpreter and wait for it; None, STOPPED, or what went wrong."""
    child = subprocess.Popen([sys.executable, "-m", CHILD_MODULE], stdin=subprocess.PIPE)
    _children.add(child)
    try:
        assert child.stdin is not None
        # Our own pipe to our own child: pickle carries the Settings as they are in memory.
        with child.stdin:
            child.stdin.write(pickle.dumps((settings, job)))
        code = child.wait(timeout=JOB_DEADLINE_S + 30)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        code = None
    except BaseException:  # the runner itself stopped (SystemExit): the job goes with it
        child.kill()
        raise
    finally:
        _children.discard(child)
    if code == 0:
        return None
    if code == -signal.SIGTERM:  # cancelled (PixelJobs.cancel)
        return STOPPED
    log.error("pixel job of prediction %s ended with %s", job.prediction_id, code or "timeout")
    if code is None or code == -signal.SIGALRM:  # the child's own deadline
        return f"the explanation took longer than {JOB_DEADLINE_S // 60} minutes"
    return "the explanation failed"


@atexit.register
def _kill_children() -> None:
    """A web worker that exits takes its running jobs with it (the next request restarts them)."""
    for child in list(_children):
        child.kill()


def install(server: Flask, celery: Celery | None) -> PixelJobs:
    jobs = PixelJobs(server, celery)
    server.extensions[EXTENSION_KEY] = jobs
    return jobs


def pixel_jobs(server: Flask) -> PixelJobs:
    jobs: PixelJobs = server.extensions[EXTENSION_KEY]
    return jobs
