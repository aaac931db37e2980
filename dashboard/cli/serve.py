"""`vitrine serve` (the development server) and `vitrine worker` (Celery background jobs)."""

from __future__ import annotations

import click

from dashboard.cli.base import CliError, ensure_schema, settings_from
from dashboard.web.app import create_app
from dashboard.web.background import EXTENSION_KEY


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--migrate/--no-migrate",
    default=True,
    show_default=True,
    help="Bring the database schema up to date first.",
)
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, migrate: bool) -> None:
    """Serve the dashboard with the development server (use gunicorn in production)."""
    settings = settings_from(ctx)
    if migrate:
        ensure_schema(settings)
    server = create_app(settings)
    click.echo(f"Vitrine on http://{host}:{port}/  (Ctrl+C stops it)")
    server.run(host=host, port=port, debug=False)


@click.command("worker")
@click.option(
    "--concurrency",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Jobs run at once (each in its own process).",
)
@click.option(
    "--beat",
    is_flag=True,
    help="Also send the scheduled jobs (the drift check every VITRINE_DRIFT_EVERY); run one "
    "worker with --beat, not several.",
)
@click.pass_context
def worker_command(ctx: click.Context, concurrency: int, beat: bool) -> None:
    """Run a Celery worker for the dashboard's background jobs (needs VITRINE_CACHE_URL=redis://)."""
    settings = settings_from(ctx)
    if not settings.uses_redis:
        raise CliError(
            "a worker needs VITRINE_CACHE_URL=redis://...; without it background jobs run "
            "inside the web server"
        )
    # Building the app registers every background job as a Celery task.
    server = create_app(settings)
    celery = server.extensions[EXTENSION_KEY]
    # prefork: a cancelled job's process is terminated without taking the worker down.
    argv = ["worker", "--pool=prefork", f"--concurrency={concurrency}", "--loglevel=INFO"]
    if beat:
        if settings.drift_interval is None:
            raise CliError("--beat has nothing to schedule: set VITRINE_DRIFT_EVERY (e.g. 1h)")
        schedule = settings.instance_dir / "celerybeat-schedule"
        schedule.parent.mkdir(parents=True, exist_ok=True)
        argv += ["--beat", f"--schedule={schedule}"]
    celery.worker_main(argv)
