"""`vitrine explain`: the spatial-bias audit of the SHAP explanations."""

from __future__ import annotations

import click

from dashboard.cli.base import VitrineGroup, ready_services
from dashboard.services.spatial_audit import audit_path, run_spatial_audit
from ml.models.registry import AUDITABLE, PRIMARY


@click.group(cls=VitrineGroup)
def explain() -> None:
    """Explanations (SHAP) and the spatial-bias audit."""


@explain.command("audit")
@click.option(
    "--model",
    type=click.Choice(AUDITABLE),
    default=AUDITABLE[-1],
    show_default=True,
    help=f"{PRIMARY} also reads the text; the others look at the image only.",
)
@click.option(
    "--limit", type=click.IntRange(1), default=None, help="Audit only the first N test products."
)
@click.pass_context
def explain_audit(ctx: click.Context, model: str, limit: int | None) -> None:
    """Mean |SHAP| per image cell and class, quarter shares, accuracy with products moved."""
    services = ready_services(ctx)
    result = run_spatial_audit(services, model, limit)
    click.echo(result["verdict"])
    shares = ", ".join(f"{k} {v:.0%}" for k, v in result["quadrant_shares"].items())
    click.echo(f"  attribution by quarter: {shares}")
    accuracy = ", ".join(f"{k} {v:.0%}" for k, v in result["accuracy"].items())
    click.echo(f"  accuracy: {accuracy}")
    click.echo(f"  stored: {audit_path(services)}")
