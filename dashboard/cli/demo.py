"""`vitrine demo`: the whole demo in one command, each step reported as it finishes."""

from __future__ import annotations

import click

from dashboard.cli.base import ready_services, settings_from
from dashboard.cli.models import metrics_table
from dashboard.cli.serve import serve_command
from dashboard.services import demo as steps
from dashboard.services.catalogue_browser import catalogue_answers
from dashboard.services.global_explanations import global_explanation
from dashboard.services.training import activate_best


def _say(line: str) -> None:
    click.echo(f"      {line}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--per-category",
    default=150,
    show_default=True,
    type=click.IntRange(1, 5000),
    help="Demo catalogue size, when it has to be generated.",
)
@click.option(
    "--serve/--no-serve", default=True, show_default=True, help="Serve the dashboard at the end."
)
@click.pass_context
def demo(ctx: click.Context, host: str, port: int, per_category: int, serve: bool) -> None:
    """The whole demo: build the demo catalogue, load it, train every model, serve."""
    click.echo("[1/5] Demo catalogue")
    catalogue = steps.demo_catalogue(settings_from(ctx), per_category)
    if not catalogue.generated:
        _say(f"reusing {catalogue.csv_path}")
    click.echo("[2/5] Database and catalogue")
    services = ready_services(ctx)
    for line in steps.load_demo(services, catalogue).summary_lines():
        _say(line)
    click.echo("[3/5] Models")
    outcomes = steps.train_missing(services, report=_say)
    if outcomes:
        click.echo(metrics_table([(o.name, o.version, o.metrics, o.activated) for o in outcomes]))
    else:
        _say("reusing the trained versions (vitrine train makes new ones)")
    chosen = activate_best(services)
    _say("active: " + ", ".join(f"{n} v{v}" for n, v in chosen.items()))
    fallback = steps.measure_fallback(services, report=_say)
    _say(f"image-only fallback: {fallback} (vitrine evaluate --shift compares every model)")
    click.echo("[4/5] Audit trail")
    scored = steps.score_test_split(services)
    if scored is None:
        _say("the audit trail already has predictions")
    else:
        _say(f"scored the {scored} test products (audit source batch)")
    # The scored test split is the drift reference itself, so no drift report is made of it.
    _say("drift: try `vitrine drift simulate`, then `vitrine drift`")
    # Computed once here, so the Catalogue and Models pages open at once the first time.
    catalogue_answers(services, progress=True)
    global_explanation(services)
    _say("catalogue answers and global explanations ready for the pages")
    if serve:
        click.echo("[5/5] Dashboard")
        ctx.invoke(serve_command, host=host, port=port, migrate=False)
