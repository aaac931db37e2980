"""The `vitrine` command line: one module per command group, each loaded when it runs.

Commands parse options, call a service and print; the rules live in `dashboard.services`.
"""

from __future__ import annotations

import logging
import sys

import click

from dashboard import __version__
from dashboard.cli.base import VitrineGroup

# name -> (where the command is, its line in `vitrine --help`)
COMMANDS = {
    "batch": ("dashboard.cli.batch:batch", "Distributed batch jobs: status, cancel."),
    "data": ("dashboard.cli.catalogue:data", "The product catalogue: load, check, or generate it."),
    "db": ("dashboard.cli.database:db", "Database schema (Alembic migrations)."),
    "demo": ("dashboard.cli.demo:demo", "The whole demo: catalogue, models, audit trail, serve."),
    "drift": ("dashboard.cli.drift:drift", "Drift of recent predictions against the test split."),
    "evaluate": ("dashboard.cli.models:evaluate", "Score models on the test split or under shift."),
    "explain": ("dashboard.cli.explain:explain", "Explanations (SHAP) and the spatial-bias audit."),
    "models": ("dashboard.cli.models:models", "Trained model versions."),
    "predict": ("dashboard.cli.predict:predict_command", "Score a catalogue CSV in batch."),
    "report": ("dashboard.cli.report:report_command", "Decision report of a prediction."),
    "serve": ("dashboard.cli.serve:serve_command", "Serve the dashboard (development server)."),
    "train": ("dashboard.cli.models:train", "Train models: fit, select, calibrate, score."),
    "users": ("dashboard.cli.users:users", "Accounts and API tokens."),
    "worker": ("dashboard.cli.serve:worker_command", "A Celery worker for background jobs."),
}


@click.group(
    cls=VitrineGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="vitrine")
@click.option("--debug", is_flag=True, help="Show full tracebacks and debug logs.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Vitrine: classify catalogue products and audit every prediction."""
    ctx.ensure_object(dict)["debug"] = debug
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    for name in ("vitrine", "dashboard", "ml", "db"):
        logging.getLogger(name).setLevel(logging.DEBUG if debug else logging.INFO)
