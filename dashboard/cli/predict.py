"""`vitrine predict`: score a catalogue CSV in batch, every product with its audit row; in one
process, or spread over Celery workers (`--distributed`)."""

from __future__ import annotations

import time
from pathlib import Path

import click
from tqdm import tqdm

from dashboard.cli.base import CliError, images_option, ready_services, settings_from
from dashboard.services.batch import score_csv
from dashboard.services.batch_jobs import (
    BatchRefused,
    JobStatus,
    UnknownJob,
    assemble,
    create_job,
    job_status,
)
from dashboard.services.prediction import predictor_for
from dashboard.services.state import Services
from ml.catalogue import CatalogueError

POLL_S = 0.5


@click.command("predict")
@click.argument("csv_path", metavar="FILE.csv", type=click.Path(path_type=Path))
@images_option
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Where to write the predictions CSV.",
)
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(1, 256))
@click.option(
    "--distributed",
    is_flag=True,
    help="Split the catalogue into chunks scored by `vitrine worker` processes (Celery on "
    "VITRINE_CACHE_URL); the CSV, the images and VITRINE_BATCH_DIR must be on storage every "
    "worker reads.",
)
@click.option(
    "--job",
    "job_id",
    default=None,
    metavar="ID",
    help="With --distributed: go on with this job, scoring only the chunks it has not done.",
)
@click.pass_context
def predict_command(
    ctx: click.Context,
    csv_path: Path,
    images_dir: Path,
    out_path: Path,
    batch_size: int,
    distributed: bool,
    job_id: str | None,
) -> None:
    """Score a Flipkart-format CSV; every scored product gets an audit row (source batch)."""
    if not images_dir.is_dir():
        raise CliError(f"no such images folder: {images_dir}")
    if job_id and not distributed:
        raise CliError("--job goes with --distributed")
    if distributed:
        _distributed(ctx, csv_path, images_dir, out_path, job_id)
        return
    services = ready_services(ctx)
    classes = predictor_for(services).classes
    try:
        result = score_csv(
            services, csv_path, images_dir, out_path, classes=classes, batch_size=batch_size
        )
    except CatalogueError as exc:
        raise CliError(str(exc)) from exc
    click.echo(
        f"Scored {result.scored} of {result.rows} products ({result.refused} refused) "
        f"into {out_path}; audit request id {result.request_id}"
    )
    if result.scored == 0:
        raise CliError("no product could be scored")


def _distributed(
    ctx: click.Context, csv_path: Path, images_dir: Path, out_path: Path, job_id: str | None
) -> None:
    from dashboard.web.app import create_app
    from dashboard.web.background import EXTENSION_KEY
    from dashboard.web.batch_tasks import NoWorker, send_pending

    settings = settings_from(ctx)
    if not settings.uses_redis:
        raise CliError(
            "--distributed needs VITRINE_CACHE_URL=redis://... (the queue) and a running "
            "`vitrine worker`"
        )
    services = ready_services(ctx)
    predictor_for(services)  # no models: say so now, not from every worker
    celery = create_app(settings).extensions[EXTENSION_KEY]
    try:
        if job_id is None:
            job_id = create_job(services, csv_path, images_dir)
        sent = send_pending(celery, services, job_id)
    except (BatchRefused, UnknownJob, NoWorker) as exc:
        raise CliError(str(exc)) from exc
    click.echo(f"Batch job {job_id}: {sent} chunks sent to the workers.")
    status = _follow(services, job_id)
    if status.state == "cancelled":
        raise CliError(f"job {job_id} was cancelled after {status.scored} products were scored")
    if status.failures:
        raise CliError(
            f"{len(status.failures)} chunks failed ({status.failures[0]}); run again with "
            f"--job {job_id} to retry them"
        )
    assemble(services, job_id, out_path)
    click.echo(
        f"Scored {status.scored} of {status.total} products ({status.refused} refused) into "
        f"{out_path}; job {job_id}, audit request id batch-{job_id}"
    )
    if status.scored == 0:
        raise CliError("no product could be scored")


def _follow(services: Services, job_id: str) -> JobStatus:
    """Show the products done across every worker until the job ends; its last status."""
    status = job_status(services, job_id)
    with tqdm(total=status.total, initial=status.done, desc="scoring", unit="product") as bar:
        while not status.finished and status.state != "cancelled" and not status.failures:
            time.sleep(POLL_S)
            status = job_status(services, job_id)
            bar.update(status.done - bar.n)
    return status
