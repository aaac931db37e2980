"""`vitrine predict`: score a catalogue CSV in batch, every product with its audit row."""

from __future__ import annotations

from pathlib import Path

import click

from dashboard.cli.base import CliError, images_option, ready_services
from dashboard.services.batch import score_csv
from dashboard.services.prediction import predictor_for
from ml.catalogue import CatalogueError


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
@click.pass_context
def predict_command(
    ctx: click.Context, csv_path: Path, images_dir: Path, out_path: Path, batch_size: int
) -> None:
    """Score a Flipkart-format CSV; every scored product gets an audit row (source batch)."""
    if not images_dir.is_dir():
        raise CliError(f"no such images folder: {images_dir}")
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
