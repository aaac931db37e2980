"""Distributed batch jobs: a catalogue CSV split into chunks that Celery workers score through
the one prediction path, each product recorded exactly once.

A job's files live in VITRINE_BATCH_DIR/<job id>, which every worker reads and writes (a shared
volume): `inputs/NNNNNN.csv` (the chunks, split once when the job is made), `chunks/NNNNNN.csv`
(a chunk's result rows, written whole, by rename, after its audit rows are committed) with a
`.json` of its counts, `NNNNNN.failed` (a chunk that raised), and `results.csv` (assembled in
input order). A chunk is done when its result file exists, so running a job again only sends
the others. A chunk redelivered after its worker died finds the products already recorded
(the database refuses a second row per job and product) and scores only the rest.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dashboard.services.batch import BASE_COLUMNS, output_row, ready_rows, score_rows
from dashboard.services.batch_uploads import UploadRefused, extract_images
from dashboard.services.prediction import Requester
from dashboard.services.state import Services
from db.engine import session_scope
from db.models import BatchJob
from db.repo_batch import (
    add_job,
    count_recorded,
    get_job,
    list_jobs,
    recorded_in_job,
    set_state,
)
from ml.catalogue import CatalogueError, read_csv
from ml.categories import CATEGORIES
from ml.wording import Phrase

log = logging.getLogger(__name__)
COLUMNS = [*BASE_COLUMNS, *(f"p_{c}" for c in CATEGORIES), "error"]


class BatchRefused(ValueError):
    """A catalogue that cannot become a job, said in words."""


class TooManyProducts(BatchRefused):
    """More products than the caller's role may score in one job."""


class UnknownJob(LookupError):
    def __str__(self) -> str:
        return f"no batch job {self.args[0]}"


def folder_of(services: Services, job_id: str) -> Path:
    return services.settings.batch_root / job_id


def _name(index: int) -> str:
    return f"{index:06d}"


def create_job(
    services: Services,
    csv_path: Path,
    images_dir: Path,
    *,
    source_name: str | None = None,
    by: Requester | None = None,
    job_id: str | None = None,
    max_products: int | None = None,
) -> str:
    """A new job over `csv_path` (Flipkart columns uniq_id and image at least) whose images are
    in `images_dir`; its id (`job_id` when given, see new_job_id). BatchRefused for a file that
    is not such a CSV; TooManyProducts past `max_products`."""
    try:
        frame = read_csv(csv_path, required=("uniq_id", "image"))
    except CatalogueError as exc:
        raise BatchRefused(str(exc)) from exc
    if frame.empty:
        raise BatchRefused(Phrase("the CSV holds no product"))
    ids = frame["uniq_id"].str.strip()
    if (ids == "").any():
        raise BatchRefused(Phrase("row %(row)s has no uniq_id", row=int((ids == "").argmax()) + 2))
    repeated = ids[ids.duplicated()]
    if not repeated.empty:
        raise BatchRefused(
            Phrase("uniq_id %(id)s appears more than once", id=repr(repeated.iloc[0]))
        )
    if max_products is not None and len(frame) > max_products:
        raise TooManyProducts(
            Phrase(
                "%(count)s products: more than the %(most)s your role may score in one job (an "
                "admin may run it)",
                count=format(len(frame), ","),
                most=format(max_products, ","),
            )
        )
    job_id = job_id or new_job_id()
    folder = folder_of(services, job_id)
    (folder / "inputs").mkdir(parents=True)
    (folder / "chunks").mkdir()
    size = services.settings.batch_chunk
    columns = list(frame.columns)
    records = frame.to_dict("records")
    for start in range(0, len(records), size):
        with (folder / "inputs" / f"{_name(start // size)}.csv").open(
            "w", newline="", encoding="utf-8"
        ) as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(records[start : start + size])
    with session_scope(services.sessions) as session:
        add_job(
            session,
            id=job_id,
            state="running",
            source_name=(source_name or csv_path.name)[:255],
            images_dir=str(images_dir.resolve()),
            total=len(records),
            chunk_size=size,
            user_id=by.user_id if by else None,
            username=by.username if by else None,
        )
    return job_id


def new_job_id() -> str:
    return uuid.uuid4().hex


def create_uploaded_job(
    services: Services,
    csv_data: bytes,
    archive: Path,
    *,
    source_name: str,
    by: Requester | None,
    max_products: int | None,
) -> str:
    """A job from an uploaded CSV and ZIP of its images, both kept in the job's folder (and
    nothing outside it); BatchRefused or UploadRefused, leaving nothing behind."""
    settings = services.settings
    job_id = new_job_id()
    folder = folder_of(services, job_id)
    try:
        extract_images(
            archive,
            folder / "images",
            member_max_bytes=settings.max_upload_bytes,
            total_max_bytes=int(settings.batch_upload_mb * 1024 * 1024),
        )
        (folder / "upload.csv").write_bytes(csv_data)
        return create_job(
            services, folder / "upload.csv", folder / "images", source_name=source_name, by=by,
            job_id=job_id, max_products=max_products,
        )  # fmt: skip
    except (BatchRefused, UploadRefused):
        shutil.rmtree(folder, ignore_errors=True)
        raise


def chunk_count(job: BatchJob) -> int:
    return -(-job.total // job.chunk_size)


def _job(services: Services, job_id: str) -> BatchJob:
    with session_scope(services.sessions) as session:
        job = get_job(session, job_id)
        if job is None:
            raise UnknownJob(job_id)
        session.expunge(job)
    return job


def pending_chunks(services: Services, job_id: str) -> list[int]:
    """The chunks without a result, to send (again); a failed chunk's mark is cleared."""
    job = _job(services, job_id)
    folder = folder_of(services, job_id) / "chunks"
    pending = []
    for index in range(chunk_count(job)):
        if not (folder / f"{_name(index)}.csv").exists():
            (folder / f"{_name(index)}.failed").unlink(missing_ok=True)
            pending.append(index)
    if pending and job.state != "running":
        with session_scope(services.sessions) as session:
            set_state(session, job_id, "running")
    return pending


def score_chunk(services: Services, job_id: str, index: int) -> int:
    """Score chunk `index` of the job, recording each product once; how many were scored now.
    A cancelled job's chunks, and chunks already done, score nothing."""
    job = _job(services, job_id)
    if job.state == "cancelled":
        return 0
    folder = folder_of(services, job_id)
    done = folder / "chunks" / f"{_name(index)}.csv"
    if done.exists():
        return 0
    with (folder / "inputs" / f"{_name(index)}.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    outputs: dict[int, dict[str, object]] = {}
    with session_scope(services.sessions) as session:
        recorded = recorded_in_job(session, job_id, [r["uniq_id"] for r in rows])
        for position, row in enumerate(rows):
            p = recorded.get(row["uniq_id"])
            if p is not None:  # recorded by an earlier run of this chunk
                outputs[position] = output_row(
                    p.product_uniq_id or "", p.category, p.confidence, p.fallback,
                    p.needs_review, p.model_name, p.model_version, p.probabilities,
                )  # fmt: skip
    pending = [(i, row) for i, row in enumerate(rows) if i not in outputs]
    missing: dict[int, dict[str, object]] = {}
    found = ready_rows([row for _, row in pending], Path(job.images_dir), missing)
    ready = [(pending[j][0], row, data) for j, row, data in found]
    outputs.update({pending[j][0]: row for j, row in missing.items()})
    scored = score_rows(services, ready, f"batch-{job_id}", outputs, batch_job_id=job_id)
    tmp = done.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        for position in range(len(rows)):
            writer.writerow(outputs[position])
    refused = sum(1 for row in outputs.values() if row.get("error"))
    done.with_suffix(".json").write_text(json.dumps({"rows": len(rows), "refused": refused}))
    os.replace(tmp, done)  # the chunk is done only once its whole result is there
    return scored


def run_chunk(services: Services, job_id: str, index: int) -> None:
    """score_chunk for a worker: a failure is marked for the job's owner to see and retry,
    not raised into Celery (which would only log it)."""
    try:
        score_chunk(services, job_id, index)
    except Exception as exc:
        log.exception("batch job %s chunk %d failed", job_id, index)
        mark = folder_of(services, job_id) / "chunks" / f"{_name(index)}.failed"
        mark.write_text(f"{exc.__class__.__name__}: {exc}")


@dataclass(frozen=True)
class JobStatus:
    id: str
    state: str
    source_name: str
    created_at: datetime
    username: str | None
    total: int
    scored: int  # products with an audit row of this job
    refused: int  # products whose image or text was refused (in finished chunks)
    chunks: int
    chunks_done: int
    failures: list[str]  # "chunk N: error" of chunks that raised

    @property
    def done(self) -> int:
        return self.scored + self.refused

    @property
    def finished(self) -> bool:
        return self.chunks_done == self.chunks


def job_status(services: Services, job_id: str, *, only_by: int | None = None) -> JobStatus:
    """Where the job is; with `only_by`, another account's job is one that does not exist."""
    job = _job(services, job_id)
    if only_by is not None and job.user_id != only_by:
        raise UnknownJob(job_id)
    return _status(services, job)


def _status(services: Services, job: BatchJob) -> JobStatus:
    folder = folder_of(services, job.id) / "chunks"
    counts = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    failures = [
        f"chunk {int(p.stem)}: {p.read_text()[:300]}" for p in sorted(folder.glob("*.failed"))
    ]
    with session_scope(services.sessions) as session:
        scored = count_recorded(session, job.id)
    state = job.state
    if state == "running" and len(counts) == chunk_count(job):
        state = "done"  # assembled on the first download
    elif state == "running" and len(counts) + len(failures) == chunk_count(job):
        state = "failed"  # nothing left running: run it again to retry the failed chunks
    return JobStatus(
        job.id,
        state,
        job.source_name,
        job.created_at,
        job.username,
        job.total,
        scored,
        sum(c["refused"] for c in counts),
        chunk_count(job),
        len(counts),
        failures,
    )


def assemble(services: Services, job_id: str, out_path: Path | None = None) -> Path:
    """The results in input order (the header, then each chunk's rows) into `out_path` (the
    job's results.csv by default); the job is then done. ValueError if a chunk is missing."""
    status = job_status(services, job_id)
    if not status.finished:
        raise ValueError(f"{status.chunks - status.chunks_done} chunks are not scored yet")
    folder = folder_of(services, job_id)
    target = out_path or folder / "results.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerow(COLUMNS)
        for index in range(status.chunks):
            with (folder / "chunks" / f"{_name(index)}.csv").open(encoding="utf-8") as part:
                shutil.copyfileobj(part, out)
    os.replace(tmp, target)
    with session_scope(services.sessions) as session:
        set_state(session, job_id, "done", finished_at=datetime.now(UTC))
    return target


def cancel_job(services: Services, job_id: str) -> JobStatus:
    """Stop the job: chunks not started yet score nothing; what was scored stays recorded."""
    if _job(services, job_id).state == "running":
        with session_scope(services.sessions) as session:
            set_state(session, job_id, "cancelled", finished_at=datetime.now(UTC))
    return job_status(services, job_id)


def _pool(services: Services) -> ThreadPoolExecutor:
    # Per process, made after a server forks its workers: one job at a time, in the background.
    return services.memo.get(
        "batch-pool", os.getpid(), lambda: ThreadPoolExecutor(1, thread_name_prefix="batch")
    )


def run_here(services: Services, job_id: str) -> int:
    """Without a queue (no Redis): score the job's pending chunks on this process's batch
    thread, one job after another, returning at once; how many chunks were queued."""
    pending = pending_chunks(services, job_id)

    def run() -> None:
        for index in pending:
            run_chunk(services, job_id, index)
        if job_status(services, job_id).finished:
            assemble(services, job_id)

    _pool(services).submit(run)
    return len(pending)


def wait_here(services: Services) -> None:
    """Return once the jobs this process runs itself are done (tests, shutdown)."""
    _pool(services).submit(lambda: None).result()


def job_statuses(services: Services, *, only_by: int | None = None) -> list[JobStatus]:
    """The newest jobs first (only `only_by`'s when given)."""
    with session_scope(services.sessions) as session:
        jobs = list_jobs(session, user_id=only_by)
        session.expunge_all()
    return [_status(services, job) for job in jobs]


def results_file(services: Services, job_id: str) -> Path:
    """The job's results CSV, assembled once every chunk is done; ValueError before."""
    path = folder_of(services, job_id) / "results.csv"
    return path if path.exists() else assemble(services, job_id)
