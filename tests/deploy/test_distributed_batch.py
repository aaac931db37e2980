"""`vitrine predict --distributed` on two real Celery workers, one of them killed mid-job: the
job completes, with one output row and one audit row per product."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dashboard.services.batch_jobs import job_status
from dashboard.services.state import Services
from dashboard.settings import Settings
from db.engine import session_scope
from db.models import BatchJob, Prediction
from ml.demo.catalogue import generate
from tests.conftest import redis_test_url
from tests.deploy.servers import BIN, base_env

pytestmark = pytest.mark.slow


def _worker(settings: Settings, log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(BIN / "vitrine"), "worker", "--concurrency", "1"],
            cwd=log_path.parent,
            env=base_env(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: a SIGKILL takes its pool child with it
        )
    deadline = time.monotonic() + 120
    while "ready." not in log_path.read_text(errors="replace"):
        assert process.poll() is None, log_path.read_text(errors="replace")
        assert time.monotonic() < deadline, "the Celery worker did not start"
        time.sleep(0.3)
    return process


def test_a_job_survives_a_killed_worker_and_records_each_product_once(
    trained_settings: Settings, tmp_path: Path
) -> None:
    settings = trained_settings.model_copy(
        update={
            "cache_url": redis_test_url(database=11),
            "batch_dir": tmp_path / "batch",
            "batch_chunk": 3,
            "batch_visibility_s": 6,  # a killed worker's chunk comes back within seconds
        }
    )
    csv_path = generate(tmp_path / "new", per_category=6, seed=11, progress=False)
    rows = list(csv.DictReader(csv_path.open()))
    workers = [_worker(settings, tmp_path / f"worker-{i}.log") for i in range(2)]
    out = tmp_path / "scored.csv"
    services = Services.from_settings(settings)
    with session_scope(services.sessions) as session:
        earlier = set(session.scalars(select(BatchJob.id)))  # other tests' jobs
    command = subprocess.Popen(
        [str(BIN / "vitrine"), "predict", str(csv_path), "--images",
         str(tmp_path / "new/Images"), "--out", str(out), "--distributed"],
        env=base_env(settings), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        # Mid-job: some chunks done, most not; then the first worker dies without a word.
        deadline = time.monotonic() + 300
        job_id = None
        while job_id is None or job_status(services, job_id).done < 3:
            assert command.poll() is None, command.stdout.read() if command.stdout else ""
            assert time.monotonic() < deadline, "the job never started"
            time.sleep(0.2)
            with session_scope(services.sessions) as session:
                job_id = session.scalar(select(BatchJob.id).where(BatchJob.id.not_in(earlier)))
        assert job_status(services, job_id).done < len(rows)
        os.killpg(workers[0].pid, signal.SIGKILL)
        said, _ = command.communicate(timeout=600)
        assert command.returncode == 0, said.decode(errors="replace")
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=60)
    assert f"Scored {len(rows)} of {len(rows)} products (0 refused)" in said.decode()
    scored = list(csv.DictReader(out.open()))
    assert [r["uniq_id"] for r in scored] == [r["uniq_id"] for r in rows]
    with session_scope(services.sessions) as session:
        recorded = session.execute(
            select(func.count(), func.count(func.distinct(Prediction.product_uniq_id)))
            .where(Prediction.batch_job_id == job_id)
        ).one()  # fmt: skip
    assert tuple(recorded) == (len(rows), len(rows))
    assert job_status(services, job_id).state == "done"
    services.engine.dispose()
