"""`vitrine batch`: follow and cancel distributed batch jobs (`vitrine predict --distributed`)."""

from __future__ import annotations

import click

from dashboard.cli.base import CliError, VitrineGroup, ready_services
from dashboard.services.batch_jobs import JobStatus, UnknownJob, cancel_job, job_status


def describe(status: JobStatus) -> str:
    line = (
        f"job {status.id} ({status.source_name}): {status.state}, {status.done} of "
        f"{status.total} products done ({status.scored} scored, {status.refused} refused), "
        f"{status.chunks_done} of {status.chunks} chunks"
    )
    return "\n".join([line, *status.failures])


@click.group(cls=VitrineGroup)
def batch() -> None:
    """Distributed batch jobs."""


@batch.command("status")
@click.argument("job_id", metavar="JOB")
@click.pass_context
def batch_status(ctx: click.Context, job_id: str) -> None:
    """Where JOB is: products scored and refused, chunks done, failures."""
    try:
        click.echo(describe(job_status(ready_services(ctx), job_id)))
    except UnknownJob as exc:
        raise CliError(str(exc)) from exc


@batch.command("cancel")
@click.argument("job_id", metavar="JOB")
@click.pass_context
def batch_cancel(ctx: click.Context, job_id: str) -> None:
    """Stop JOB: chunks not started score nothing; what was scored stays recorded."""
    try:
        status = cancel_job(ready_services(ctx), job_id)
    except UnknownJob as exc:
        raise CliError(str(exc)) from exc
    click.echo(f"Cancelled: {status.scored} products were scored. {describe(status)}")
