"""`vitrine drift`: compare a window of live predictions with the test split, or simulate a
shift."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import click

from dashboard.cli.base import CliError, VitrineGroup, ready_services
from dashboard.services.drift import (
    CURRENT_LIMIT,
    LIVE_SOURCES,
    DriftWindow,
    TooFewRows,
    simulate,
)
from dashboard.services.drift_alerts import check_drift
from dashboard.services.state import Services
from dashboard.settings import parse_duration


@click.group(cls=VitrineGroup, invoke_without_command=True)
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Choice(LIVE_SOURCES),
    help="Only predictions from this source (repeat for several); default: all live traffic "
    "(ui, api, batch).",
)
@click.option(
    "--since", type=click.DateTime(), default=None, help="Start of the window (UTC, included)."
)
@click.option(
    "--until", type=click.DateTime(), default=None, help="End of the window (UTC, excluded)."
)
@click.option(
    "--last",
    type=click.IntRange(1, CURRENT_LIMIT),
    default=CURRENT_LIMIT,
    show_default=True,
    help="The newest N predictions of the window.",
)
@click.option(
    "--every",
    default=None,
    metavar="DURATION",
    help="Check again on this schedule (90s, 30m, 1h, 1d) until stopped; with "
    "VITRINE_DRIFT_WEBHOOK_URL set, each check that finds drift sends an alert.",
)
@click.option(
    "--checks",
    type=click.IntRange(1),
    default=None,
    help="With --every: stop after this many checks.",
)
@click.pass_context
def drift(
    ctx: click.Context,
    sources: tuple[str, ...],
    since: datetime | None,
    until: datetime | None,
    last: int,
    every: str | None,
    checks: int | None,
) -> None:
    """Compare a window of live predictions with the test split (Evidently); store the report.

    The window never holds the test split the demo scores: that is the reference itself.
    A report that finds drift is sent to VITRINE_DRIFT_WEBHOOK_URL when it is set."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        interval = parse_duration(every) if every else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from None
    services = ready_services(ctx)
    start, end = (t.replace(tzinfo=UTC) if t else None for t in (since, until))
    window = DriftWindow(sources or LIVE_SOURCES, start, end, last)
    if interval is None:
        try:
            _check(services, window)
        except TooFewRows as exc:
            raise CliError(f"no drift report: {exc}") from None
        return
    done = 0
    while checks is None or done < checks:
        if done:
            time.sleep(interval.total_seconds())
        click.echo(f"Drift check at {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC (every {every})")
        try:
            _check(services, window)
        except TooFewRows as exc:  # a quiet spell is no reason to stop watching
            click.echo(f"no drift report: {exc}")
        done += 1


def _check(services: Services, window: DriftWindow) -> None:
    checked = check_drift(services, window)
    stored = checked.stored
    used = stored.window
    counts = ", ".join(f"{source} {n}" for source, n in used.by_source.items())
    click.echo(
        f"Window: {sum(used.by_source.values())} predictions ({counts}) from "
        f"{used.first:%Y-%m-%d %H:%M:%S} to {used.last:%Y-%m-%d %H:%M:%S} UTC"
    )
    summary = stored.result.summary
    click.echo(
        f"Drift report #{stored.report_id}: {summary['drifted_columns']} of "
        f"{len(summary['columns'])} columns drifted "
        f"(share {stored.result.share_drifted:.2f}); dataset drift: "
        f"{'yes' if stored.result.dataset_drift else 'no'}"
    )
    for column in summary["columns"]:
        state = "DRIFT" if column["drifted"] else "ok"
        adjusted = column.get("p_adjusted")
        holm = "" if adjusted is None else f", Holm-adjusted {adjusted:.4g}"
        click.echo(
            f"  {column['column']:<16} {state:<6} {column['method']} "
            f"{column['value']:.4g}{holm} (threshold {column['threshold']:g})"
        )
    embedding = summary.get("embedding_drift")
    if embedding:
        click.echo(
            f"  {'embedding':<16} {'DRIFT' if embedding['drifted'] else 'ok':<6} "
            f"{embedding['method']} {embedding['value']:.3f} "
            f"(threshold {embedding['threshold']:.3f}: chance exceeds it 5% of the time)"
        )
    click.echo(f"  HTML report: {stored.html_path}")
    if checked.alert is not None:
        click.echo(f"  Webhook: {checked.alert.describe()}")


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
