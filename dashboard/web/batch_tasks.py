"""Distributed batch jobs on Celery: the chunk task every `vitrine worker` runs, and sending a
job's pending chunks to them.

A chunk is acknowledged only once it is done (acks_late), and given back to the queue when its
worker process dies (reject_on_worker_lost) or, when the whole worker machine went away, after
VITRINE_BATCH_VISIBILITY_S; dashboard.services.batch_jobs makes the repeat record nothing twice.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from celery import Celery
from flask import Flask

from dashboard.services.batch_jobs import (
    cancel_job,
    create_uploaded_job,
    pending_chunks,
    run_chunk,
    run_here,
)
from dashboard.services.state import Services
from dashboard.web.auth import allowed, requester
from dashboard.web.background import EXTENSION_KEY
from dashboard.web.context import services

CHUNK_TASK = "vitrine.batch_chunk"
LARGE_JOB_ROLE = "admin"  # past VITRINE_BATCH_VIEWER_MAX products
PING_TIMEOUT_S = 2.0


class NoWorker(RuntimeError):
    def __str__(self) -> str:
        return (
            "no `vitrine worker` answers on VITRINE_CACHE_URL: start one (or more, on every "
            "machine that shares VITRINE_BATCH_DIR) and run this again"
        )


def install(server: Flask, celery: Celery | None) -> None:
    if celery is None:
        return

    def batch_chunk(job_id: str, index: int) -> None:
        run_chunk(services(server), job_id, index)

    celery.task(name=CHUNK_TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)(
        batch_chunk
    )


def send_pending(celery: Celery, svc: Services, job_id: str) -> int:
    """Queue every chunk of the job that has no result yet; how many. NoWorker when no worker
    answers, since the chunks would wait for ever."""
    if not celery.control.ping(timeout=PING_TIMEOUT_S):
        raise NoWorker()
    pending = pending_chunks(svc, job_id)
    for index in pending:
        celery.send_task(CHUNK_TASK, args=[job_id, index])
    return len(pending)


def start(server: Flask, job_id: str) -> int:
    """Set the job's pending chunks going: on the workers when Redis is set (NoWorker if none
    answers), else on this process's batch thread; how many chunks."""
    svc = services(server)
    celery = server.extensions.get(EXTENSION_KEY)
    if celery is None:
        return run_here(svc, job_id)
    return send_pending(celery, svc, job_id)


def submit_upload(server: Flask, catalogue: bytes, archive: bytes, source_name: str) -> str:
    """A job from an uploaded CSV and ZIP of its images (the page's and the API's), started;
    its id. BatchRefused (TooManyProducts past the caller's role), UploadRefused, or NoWorker
    (the job is then cancelled)."""
    svc = services(server)
    limit = None if allowed(LARGE_JOB_ROLE) else svc.settings.batch_viewer_max
    svc.settings.batch_root.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=svc.settings.batch_root, suffix=".zip") as handle:
        handle.write(archive)
        handle.flush()
        job_id = create_uploaded_job(
            svc, catalogue, Path(handle.name), source_name=source_name, by=requester(),
            max_products=limit,
        )  # fmt: skip
    try:
        start(server, job_id)
    except NoWorker:
        cancel_job(svc, job_id)
        raise
    return job_id
