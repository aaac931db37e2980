"""Distributed batch jobs without the queue: chunks scored as workers would, each product
recorded once even when a chunk runs again, jobs resumed and cancelled, the output assembled in
input order, and catalogues that cannot become a job refused in words."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.services.batch_jobs import (
    BatchRefused,
    assemble,
    cancel_job,
    create_job,
    folder_of,
    job_status,
    pending_chunks,
    run_chunk,
    score_chunk,
)
from dashboard.services.prediction import AuditUnavailable, predict_and_record_many
from dashboard.services.state import Services
from dashboard.settings import Settings
from db.engine import session_scope
from db.repo_batch import count_recorded
from ml.demo.catalogue import generate
from tests.dashboard.cli.test_batch_and_check import _env


def test_chunks_record_each_product_once_and_jobs_resume_and_cancel(
    trained_settings: Settings, tmp_path: Path
) -> None:
    settings = trained_settings.model_copy(
        update={"batch_dir": tmp_path / "batch", "batch_chunk": 5}
    )
    services = Services.from_settings(settings)
    csv_path = generate(tmp_path / "new", per_category=2, seed=7, progress=False)
    images = tmp_path / "new/Images"
    rows = list(csv.DictReader(csv_path.open()))
    assert len(rows) == 14
    (images / rows[3]["image"]).unlink()  # its row says so; the others are scored
    job = create_job(services, csv_path, images)
    assert pending_chunks(services, job) == [0, 1, 2]

    assert score_chunk(services, job, 0) == 4
    assert score_chunk(services, job, 0) == 0  # done: a repeat scores nothing
    # A worker that died after its audit rows were committed, before the chunk's result was
    # written: the chunk runs again and records nobody twice.
    assert score_chunk(services, job, 1) == 5
    done = folder_of(services, job) / "chunks" / "000001.csv"
    done.unlink()
    done.with_suffix(".json").unlink()
    assert pending_chunks(services, job) == [1, 2]
    assert score_chunk(services, job, 1) == 0
    assert done.exists()
    # The database itself refuses a second row of a job for a product.
    photo = (images / rows[5]["image"]).read_bytes()
    with pytest.raises(AuditUnavailable):
        predict_and_record_many(
            services, [photo], [""], source="batch", request_id="again",
            product_ids=[rows[5]["uniq_id"]], batch_job_id=job,
        )  # fmt: skip
    status = job_status(services, job)
    assert (status.scored, status.refused, status.chunks_done, status.chunks) == (9, 1, 2, 3)

    # Cancelled: the chunk not started scores nothing, and the count is said.
    cancelled = cancel_job(services, job)
    assert (cancelled.state, cancelled.scored) == ("cancelled", 9)
    assert score_chunk(services, job, 2) == 0
    with pytest.raises(ValueError, match="1 chunks are not scored"):
        assemble(services, job)
    # Run again: only the missing chunk is sent, and the job completes.
    assert pending_chunks(services, job) == [2]
    assert job_status(services, job).state == "running"
    assert score_chunk(services, job, 2) == 4
    out = assemble(services, job, tmp_path / "out.csv")
    scored = list(csv.DictReader(out.open()))
    assert [r["uniq_id"] for r in scored] == [r["uniq_id"] for r in rows]
    assert scored[3]["error"] == "missing image" and not scored[3]["predicted_category"]
    assert all(r["predicted_category"] for i, r in enumerate(scored) if i != 3)
    final = job_status(services, job)
    assert (final.state, final.scored, final.refused) == ("done", 13, 1)
    with session_scope(services.sessions) as session:
        assert count_recorded(session, job) == 13
    services.engine.dispose()


def test_catalogues_that_cannot_be_a_job_are_refused_in_words(
    trained_settings: Settings, tmp_path: Path
) -> None:
    services = Services.from_settings(
        trained_settings.model_copy(update={"batch_dir": tmp_path / "batch"})
    )
    cases = {
        "uniq_id,image\na,1.jpg\na,2.jpg\n": "uniq_id 'a' appears more than once",
        "uniq_id,name\na,b\n": "lacks the column(s) image",
        "uniq_id,image\n": "holds no product",
        "uniq_id,image\n,1.jpg\n": "row 2 has no uniq_id",
    }
    for text, said in cases.items():
        path = tmp_path / "bad.csv"
        path.write_text(text)
        with pytest.raises(BatchRefused, match=said.replace("(", r"\(").replace(")", r"\)")):
            create_job(services, path, tmp_path)
    assert not (tmp_path / "batch").exists() or not any((tmp_path / "batch").iterdir())
    services.engine.dispose()


def test_the_cli_says_what_distributed_scoring_needs(
    trained_settings: Settings, tmp_path: Path
) -> None:
    csv_path = generate(tmp_path / "new", per_category=1, seed=3, progress=False)
    args = ["predict", str(csv_path), "--images", str(tmp_path / "new/Images")]
    runner = CliRunner()
    env = {**_env(trained_settings), "VITRINE_CACHE_URL": ""}
    without = runner.invoke(
        main, [*args, "--out", str(tmp_path / "o.csv"), "--distributed"], env=env
    )
    assert without.exit_code != 0
    assert "--distributed needs VITRINE_CACHE_URL=redis://" in without.output
    assert "vitrine worker" in without.output
    unknown = runner.invoke(main, ["batch", "status", "0" * 32], env=env)
    assert unknown.exit_code != 0 and f"no batch job {'0' * 32}" in unknown.output


def test_a_failed_chunk_is_reported_and_retried_when_the_job_runs_again(
    trained_settings: Settings, tmp_path: Path
) -> None:
    settings = trained_settings.model_copy(
        update={"batch_dir": tmp_path / "batch", "batch_chunk": 7}
    )
    services = Services.from_settings(settings)
    csv_path = generate(tmp_path / "new", per_category=2, seed=8, progress=False)
    job = create_job(services, csv_path, tmp_path / "new/Images")
    assert score_chunk(services, job, 0) == 7
    chunk = folder_of(services, job) / "inputs" / "000001.csv"
    kept = chunk.read_bytes()
    chunk.unlink()  # as storage a worker cannot read
    run_chunk(services, job, 1)
    failed = job_status(services, job)
    assert failed.state == "failed" and failed.failures[0].startswith("chunk 1: FileNotFoundError")
    chunk.write_bytes(kept)
    assert pending_chunks(services, job) == [1]
    assert job_status(services, job).state == "running" and not job_status(services, job).failures
    run_chunk(services, job, 1)
    assert job_status(services, job).state == "done"
    services.engine.dispose()


def test_an_id_a_spreadsheet_would_run_is_quoted_in_the_results(
    trained_settings: Settings, tmp_path: Path
) -> None:
    services = Services.from_settings(
        trained_settings.model_copy(update={"batch_dir": tmp_path / "batch"})
    )
    csv_path = generate(tmp_path / "new", per_category=1, seed=4, progress=False)
    rows = list(csv.DictReader(csv_path.open()))
    rows[0]["uniq_id"], rows[1]["uniq_id"] = "=1+1", "@SUM(A1)"
    (tmp_path / "new/Images" / rows[1]["image"]).unlink()  # an error row quotes it too
    with csv_path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    job = create_job(services, csv_path, tmp_path / "new/Images")
    score_chunk(services, job, 0)
    scored = list(csv.DictReader(assemble(services, job).open()))
    assert [r["uniq_id"] for r in scored[:2]] == ["'=1+1", "'@SUM(A1)"]
    assert scored[0]["predicted_category"] and scored[1]["error"] == "missing image"
    services.engine.dispose()
