"""`vitrine drift`: compare recent predictions with the test split, or simulate a shift."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from dashboard.cli.base import VitrineGroup, ready_services
from dashboard.services.drift import TooFewRows, run_and_store, simulate


@click.group(cls=VitrineGroup, invoke_without_command=True)
@click.option(
    "--since",
    type=click.DateTime(),
    default=None,
    help="Start of the current window (UTC); default: the newest predictions.",
)
@click.option("--until", type=click.DateTime(), default=None, help="End of the window (UTC).")
@click.pass_context
def drift(ctx: click.Context, since: datetime | None, until: datetime | None) -> None:
    """Compare recent predictions with the test split (Evidently) and store the report."""
    if ctx.invoked_subcommand is not None:
        return
    services = ready_services(ctx)
    utc = [t.replace(tzinfo=UTC) if t else None for t in (since, until)]
    try:
        stored = run_and_store(services, *utc)
    except TooFewRows as exc:
        click.echo(f"No drift report: {exc}.")
        return
    summary = stored.result.summary
    click.echo(
        f"Drift report #{stored.report_id}: {summary['drifted_columns']} of "
        f"{len(summary['columns'])} columns drifted "
        f"(share {stored.result.share_drifted:.2f}); dataset drift: "
        f"{'yes' if stored.result.dataset_drift else 'no'}"
    )
    for column in summary["columns"]:
        state = "DRIFT" if column["drifted"] else "ok"
        click.echo(
            f"  {column['column']:<16} {state:<6} {column['method']} "
            f"{column['value']:.4g} (threshold {column['threshold']:g})"
        )
    embedding = summary.get("embedding_drift")
    if embedding:
        click.echo(
            f"  {'embedding':<16} {'DRIFT' if embedding['drifted'] else 'ok':<6} "
            f"{embedding['method']} {embedding['value']:.3f}"
        )
    click.echo(f"  HTML report: {stored.html_path}")


@drift.command("simulate")
@click.option("--count", default=60, show_default=True, type=click.IntRange(1, 10000))
@click.pass_context
def drift_simulate(ctx: click.Context, count: int) -> None:
    """Send darker, blurred, rotated test products (most without text) through prediction."""
    services = ready_services(ctx)
    sent = simulate(services, count)
    click.echo(
        f"Sent {sent} shifted products through the prediction path (audit source "
        "batch). Run `vitrine drift` to measure the drift."
    )
