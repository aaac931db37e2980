"""`vitrine report`: the decision report of one recorded prediction, as HTML or PDF."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import click

from dashboard.cli.base import CliError, ready_services
from dashboard.services.locales import DEFAULT_LANGUAGE, LANGUAGES
from dashboard.services.report import UnknownPrediction, build_report
from dashboard.services.report_render import report_html, report_pdf

log = logging.getLogger(__name__)


@click.command("report")
@click.argument("prediction_id", type=click.IntRange(1))
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it; .pdf gives a PDF, .html (or .htm) a web page.",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(list(LANGUAGES)),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="The report's language.",
)
@click.pass_context
def report_command(ctx: click.Context, prediction_id: int, out_path: Path, language: str) -> None:
    """Write the decision report of PREDICTION_ID (the number in the audit trail)."""
    fmt = {".pdf": "pdf", ".html": "html", ".htm": "html"}.get(out_path.suffix.lower())
    if fmt is None:
        raise CliError(f"--out must end in .pdf or .html, not {out_path.name!r}")
    if not out_path.parent.is_dir():
        raise CliError(f"no such folder: {out_path.parent}")
    services = ready_services(ctx)
    try:
        # A pixel-level map the model needs is computed here: a command may take seconds.
        built = build_report(services, prediction_id, compute_pixels=True, language=language)
    except UnknownPrediction as exc:
        raise CliError(str(exc.args[0])) from exc
    body = report_pdf(built, language) if fmt == "pdf" else report_html(built, language).encode()
    out_path.write_bytes(body)
    log.info(
        "decision report prediction_id=%s format=%s lang=%s request_id=cli-%s",
        prediction_id,
        fmt,
        language,
        uuid.uuid4().hex[:12],
    )
    click.echo(f"Decision report of prediction #{prediction_id} ({fmt}) written to {out_path}")
