"""`vitrine data`: load the product catalogue, check it, or generate the demo one."""

from __future__ import annotations

from pathlib import Path

import click

from dashboard.cli.base import CliError, VitrineGroup, images_option, ready_services
from dashboard.services.ingest import ingest_catalogue
from dashboard.services.label_issues import suspect_labels
from dashboard.services.quality import quality_report
from dashboard.services.uploads import prune_uploads
from ml.catalogue import CatalogueError
from ml.demo.catalogue import generate


@click.group(cls=VitrineGroup)
def data() -> None:
    """The product catalogue: load it, or generate the demo one."""


@data.command("ingest")
@click.argument("csv_path", metavar="CSV", type=click.Path(path_type=Path))
@images_option
@click.option(
    "--seed", default=0, show_default=True, help="Seed of the train/validation/test split."
)
@click.pass_context
def data_ingest(ctx: click.Context, csv_path: Path, images_dir: Path, seed: int) -> None:
    """Load a Flipkart-format CSV and its images into the catalogue (re-running updates)."""
    if not images_dir.is_dir():
        raise CliError(f"no such images folder: {images_dir}")
    services = ready_services(ctx)
    try:
        result = ingest_catalogue(services, csv_path, images_dir, seed=seed)
    except CatalogueError as exc:
        raise CliError(str(exc)) from exc
    for line in result.summary_lines():
        click.echo(line)
    if result.loaded == 0:
        raise CliError("nothing was loaded")


@data.command("check")
@click.option(
    "--threshold",
    default=0.93,
    show_default=True,
    type=click.FloatRange(0.5, 1.0),
    help="Cosine similarity from which two images count as near duplicates.",
)
@click.option("--show", default=10, show_default=True, help="How many pairs to list.")
@click.pass_context
def data_check(ctx: click.Context, threshold: float, show: int) -> None:
    """Report exact and near duplicate images, and duplicates split across train and test."""
    services = ready_services(ctx)
    report = quality_report(services, threshold, progress=True)
    assert report is not None  # compute=True always gives a report
    click.echo(f"{report.products} products checked (near-duplicate threshold {threshold}):")
    click.echo(f"  exact duplicates (same image bytes): {len(report.exact)} pairs")
    click.echo(f"  near duplicates (cosine >= {threshold}): {len(report.near)} pairs")
    click.echo(f"  leaky pairs (a duplicate across train/validation and test): {len(report.leaky)}")
    if report.pairs:
        click.echo("  pairs (product ids, then exact or cosine similarity):")
    for pair in report.pairs[:show]:
        kind = "exact" if pair.exact else f"{pair.similarity:.3f}"
        click.echo(f"    {pair.a}  {pair.b}  {kind}{'  LEAKY' if pair.leaky else ''}")
    hidden = len(report.pairs) - show
    if hidden > 0:
        click.echo(f"  ... and {hidden} more pair{'s' if hidden > 1 else ''} (--show N lists more)")


@data.command("issues")
@click.option(
    "--status",
    type=click.Choice(["unreviewed", "reviewed", "any"]),
    default="unreviewed",
    show_default=True,
    help="Only labels nobody has decided on yet, only decided ones, or both.",
)
@click.option("--show", default=20, show_default=True, help="How many to list.")
@click.pass_context
def data_issues(ctx: click.Context, status: str, show: int) -> None:
    """List suspect catalogue labels, most suspect first, as the Review page shows them."""
    found = suspect_labels(ready_services(ctx), status=status, page_size=max(1, show))
    if found.model is None:
        raise CliError("no active fusion model yet: run `vitrine train` first")
    click.echo(
        f"{found.total} suspect label{'s' if found.total != 1 else ''} ({status}), found "
        f"by {found.model} on out-of-fold answers:"
    )
    for item in found.items:
        issue, product = item.issue, item.product
        p = issue.probabilities
        near = ", ".join(f"{n['category']} ({n['similarity']:.2f})" for n in issue.neighbours)
        click.echo(
            f"{issue.rank:>4}. {product.uniq_id}  {product.product_name[:60]}\n"
            f"      given {issue.given_category} ({p.get(issue.given_category, 0):.0%}), "
            f"suggested {issue.suggested_category} ({p.get(issue.suggested_category, 0):.0%}); "
            f"nearest: {near}"
        )
        if item.review is not None:
            click.echo(f"      decided: {item.review.decision} {item.review.category}")
    hidden = found.total - len(found.items)
    if hidden > 0:
        click.echo(f"... and {hidden} more (--show N lists more)")


@data.command("prune")
@click.option("--dry-run", is_flag=True, help="Say what would be removed, remove nothing.")
@click.pass_context
def data_prune(ctx: click.Context, dry_run: bool) -> None:
    """Remove uploaded photos past VITRINE_UPLOAD_RETENTION_DAYS, then the least recently used
    until the rest fit VITRINE_UPLOAD_MAX_TOTAL_MB (catalogue images are never touched)."""
    services = ready_services(ctx)
    pruned = prune_uploads(services, dry_run=dry_run)
    mb = 1024 * 1024
    verb = "would remove" if dry_run else "removed"
    click.echo(
        f"{verb} {pruned.removed} uploaded photo(s) ({pruned.removed_bytes / mb:.1f} MB); "
        f"kept {pruned.kept} ({pruned.kept_bytes / mb:.1f} MB of "
        f"{services.settings.upload_max_total_mb:g} MB). Catalogue images untouched."
    )


@data.command("demo")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to write the CSV and Images/ into.",
)
@click.option("--per-category", default=150, show_default=True, type=click.IntRange(1, 5000))
@click.option("--seed", default=0, show_default=True)
def data_demo(out_dir: Path, per_category: int, seed: int) -> None:
    """Generate the demo catalogue in the Flipkart format (deterministic for a seed)."""
    csv_path = generate(out_dir, per_category=per_category, seed=seed)
    click.echo(f"Wrote {csv_path} and {per_category * 7} images in {out_dir / 'Images'}")
