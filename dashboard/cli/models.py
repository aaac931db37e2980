"""`vitrine train`, `vitrine evaluate` and `vitrine models`: model versions and their scores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from dashboard.cli.base import CliError, VitrineGroup, ready_services
from dashboard.services import style_shift, training
from dashboard.services.model_roles import (
    ShadowRefused,
    activate_version,
    promote_shadow,
    put_in_shadow,
    stop_shadow,
)
from dashboard.services.serving import serving_roles
from dashboard.services.shadow_figures import shadow_summary, shadow_views
from db.engine import session_scope
from db.repo_models import list_model_versions
from ml.models.registry import MODEL_NAMES
from ml.style_shift import SHIFT_MODELS, NoStyles
from ml.views import UnknownView, parse_views


def model_names(value: str | None) -> list[str]:
    """The models a --models option names (all of them when empty)."""
    if not value:
        return list(MODEL_NAMES)
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in MODEL_NAMES]
    if unknown:
        raise CliError(f"unknown model {unknown[0]!r}; known: {', '.join(MODEL_NAMES)}")
    return names


def metrics_table(
    rows: list[tuple[str, int, dict[str, Any], bool]], roles: dict[str, str] | None = None
) -> str:
    """One line per model version; `roles` (model -> primary or fallback) says which active
    versions answer predictions, the others being kept for comparison."""
    header = (
        f"{'model':<12} {'ver':>3} {'accuracy':>8} {'macro-F1':>8} {'ECE':>6} "
        f"{'params':>9} {'ms':>7}  status"
    )
    lines = [header]
    for name, version, metrics, active in rows:
        status = ""
        if active:
            status = (roles or {}).get(
                name, "active (comparison)" if roles is not None else "active"
            )
        lines.append(
            f"{name:<12} {version:>3} {metrics.get('accuracy', 0):>8.3f} "
            f"{metrics.get('macro_f1', 0):>8.3f} {metrics.get('ece', 0):>6.3f} "
            f"{metrics.get('n_parameters', '') or '':>9} {metrics.get('latency_ms', 0):>7.2f}"
            f"  {status}"
        )
    lines.append(
        "accuracy, macro-F1, ECE: on the test split; ms: time of one prediction, with the "
        "image backbone for models that read the photo, measured when trained"
    )
    return "\n".join(lines)


def reviews_table(rows: list[tuple[str, int, dict[str, Any]]]) -> str:
    """Each version trained on reviews beside the version that was active, on the same data."""

    def pct(value: float | None) -> str:
        return f"{value * 100:6.1f}" if value is not None else "     -"

    lines = [f"{'model':<12} {'version':>8} {'test acc%':>9} {'reviewed acc%':>13}"]
    for name, version, metrics in rows:
        reviews = metrics.get("reviews")
        if not reviews:
            continue
        lines.append(
            f"{name:<12} {'v' + str(version):>8} {pct(reviews['test_accuracy']):>9} "
            f"{pct(reviews['reviewed_accuracy']):>13}  (new)"
        )
        active = reviews.get("active")
        if active:
            lines.append(
                f"{name:<12} {'v' + str(active['version']):>8} "
                f"{pct(active['test_accuracy']):>9} {pct(active['reviewed_accuracy']):>13}"
                "  (active)"
            )
    reviewed = max((m.get("reviews", {}).get("reviewed_items", 0) for _n, _v, m in rows), default=0)
    lines.append(
        f"on the test split with corrected labels, and on {reviewed} reviewed predictions "
        "(the new versions trained on the reviewed uploads among them)"
    )
    return "\n".join(lines)


def shift_table(result: dict[str, Any]) -> str:
    def pct(value: float | None) -> str:
        return "   -" if value is None else f"{value * 100:5.1f}"

    lines = [
        f"{'held out':18} {'model':12} {'n':>4} {'acc%':>5} {'F1%':>5} {'ECE':>6} "
        f"{'flag%':>5} {'acc% unflagged':>14} {'set cover%':>10} {'set size':>8}"
    ]
    means = [
        {"style": "MEAN", "model": model, "n": result["products"], **scores}
        for model, scores in result["means"].items()
    ]
    for row in [*result["folds"], *means]:
        lines.append(
            f"{row['style']:18} {row['model']:12} {row['n']:>4} {pct(row['accuracy'])} "
            f"{pct(row['macro_f1'])} {row['ece']:6.3f} {pct(row['flagged'])} "
            f"{pct(row['unflagged_accuracy']):>14} {pct(row.get('set_coverage')):>10} "
            f"{row.get('set_size') or 0:8.2f}"
        )
    for model, scores in result["means"].items():
        if scores.get("set_coverage_in_style") is not None:
            lines.append(
                f"{model}: 90% sets calibrated on answers to unseen art sets cover "
                f"{pct(scores['set_coverage']).strip()}% (calibrated on validation: "
                f"{pct(scores['set_coverage_in_style']).strip()}%)"
            )
    for model, scores in result["means"].items():
        if scores.get("unflagged_accuracy_pooled") is not None:
            lines.append(
                f"{model}: answers not flagged, every held-out answer counted once: "
                f"{pct(scores['unflagged_accuracy_pooled']).strip()}% right"
            )
    views = result.get("views")
    lines.append(f"probes also learned from views: {', '.join(views) if views else 'none'}")
    if "fallback" in result:
        lines.append(f"fallback by this figure: {result['fallback']}")
    if result.get("stored") is False:
        lines.append(
            "not stored: measured with other views than VITRINE_TRAINING_VIEWS, for comparison "
            "(the stored report chooses the served fallback)"
        )
    return "\n".join(lines)


@click.command()
@click.option(
    "--models",
    "models",
    default=None,
    metavar="NAMES",
    help="Comma-separated model names (default: every model).",
)
@click.option(
    "--activate/--no-activate",
    "activate_new",
    default=False,
    show_default=True,
    help="Make the new versions active (a model with no active version gets one).",
)
@click.option(
    "--use-reviews",
    is_flag=True,
    help="Train on the labels reviewers corrected, with reviewed uploads added; compare each "
    "new version with the active one on the test split and the reviewed predictions.",
)
@click.pass_context
def train(ctx: click.Context, models: str | None, activate_new: bool, use_reviews: bool) -> None:
    """Train models on the train split, select on validation, score on test."""
    names = model_names(models)
    services = ready_services(ctx)
    outcomes = training.train(
        services,
        names,
        report=lambda line: click.echo(f"  {line}"),
        activate_new=activate_new,
        use_reviews=use_reviews,
    )
    click.echo(metrics_table([(o.name, o.version, o.metrics, o.activated) for o in outcomes]))
    if use_reviews:
        click.echo(reviews_table([(o.name, o.version, o.metrics) for o in outcomes]))


@click.command()
@click.option(
    "--models",
    "models",
    default=None,
    metavar="NAMES",
    help="Comma-separated model names (default: every active one; with --shift, fusion and "
    "the image-only models).",
)
@click.option(
    "--shift",
    is_flag=True,
    help="Leave-one-style-out over the demo catalogue's art sets: fit on all sets but one, "
    "score on that one, for every set.",
)
@click.option(
    "--art-sets",
    "art_sets",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The art-set side file of the catalogue (default: DATA_DIR/demo/art_sets.csv).",
)
@click.option(
    "--views",
    default=None,
    metavar="NAMES",
    help="With --shift: augmented views of the training photos the probes learn from, "
    "comma-separated, or none (default: the VITRINE_TRAINING_VIEWS setting).",
)
@click.pass_context
def evaluate(
    ctx: click.Context,
    models: str | None,
    shift: bool,
    art_sets: Path | None,
    views: str | None,
) -> None:
    """Score the active model versions on the test split and store the metrics."""
    names = model_names(models) if models else None
    chosen = None
    if views is not None:
        if not shift:
            raise CliError(
                "--views only applies to --shift (training reads VITRINE_TRAINING_VIEWS)"
            )
        try:
            chosen = () if views.strip() == "none" else parse_views(views)
        except UnknownView as exc:
            raise CliError(str(exc)) from exc
    services = ready_services(ctx)
    if shift:
        try:
            result = style_shift.run_and_store(
                services, art_sets, names or SHIFT_MODELS, views=chosen
            )
        except NoStyles as exc:
            raise CliError(str(exc)) from exc
        click.echo(shift_table(result))
        return
    results = training.evaluate(services, names)
    click.echo(metrics_table([(n, r["version"], r, True) for n, r in results.items()]))


@click.group(cls=VitrineGroup)
def models() -> None:
    """Trained model versions."""


@models.command("list")
@click.pass_context
def models_list(ctx: click.Context) -> None:
    """List every model version with its test metrics."""
    services = ready_services(ctx)
    with session_scope(services.sessions) as session:
        rows = [
            (mv.name, mv.version, {**mv.metrics, "n_parameters": mv.params_count}, mv.is_active)
            for mv in list_model_versions(session)
        ]
    if not rows:
        click.echo("No model version yet: run `vitrine train`.")
        return
    roles = serving_roles(services, [name for name, _v, _m, active in rows if active])
    click.echo(metrics_table(rows, roles))


@models.command("activate")
@click.argument("name")
@click.argument("version", type=int)
@click.pass_context
def models_activate(ctx: click.Context, name: str, version: int) -> None:
    """Make VERSION the active version of model NAME."""
    model_names(name)
    services = ready_services(ctx)
    try:
        change = activate_version(services, name, version, None)
    except LookupError as exc:
        raise CliError(exc.args[0]) from exc
    was = f" (v{change.replaced_version} was)" if change.replaced_version else ""
    click.echo(f"{name} v{version} is now active{was}.")


@models.command("shadow")
@click.argument("name")
@click.argument("version", type=int)
@click.pass_context
def models_shadow(ctx: click.Context, name: str, version: int) -> None:
    """Put VERSION of NAME in shadow: it scores every live prediction, answering nobody."""
    model_names(name)
    services = ready_services(ctx)
    try:
        put_in_shadow(services, name, version, None)
    except (LookupError, ShadowRefused) as exc:
        raise CliError(str(exc.args[0])) from exc
    click.echo(f"{name} v{version} is in shadow: see `vitrine models shadows` or the Models page.")


@models.command("unshadow")
@click.argument("name")
@click.pass_context
def models_unshadow(ctx: click.Context, name: str) -> None:
    """Stop scoring NAME's shadow version."""
    model_names(name)
    try:
        change = stop_shadow(ready_services(ctx), name, None)
    except LookupError as exc:
        raise CliError(exc.args[0]) from exc
    click.echo(f"{name} v{change.version} is no longer in shadow.")


@models.command("promote")
@click.argument("name")
@click.pass_context
def models_promote(ctx: click.Context, name: str) -> None:
    """Make NAME's shadow version the active one."""
    model_names(name)
    try:
        change = promote_shadow(ready_services(ctx), name, None)
    except LookupError as exc:
        raise CliError(exc.args[0]) from exc
    click.echo(f"{name} v{change.version} is now active (v{change.replaced_version} was).")


@models.command("shadows")
@click.pass_context
def models_shadows(ctx: click.Context) -> None:
    """Compare each version in shadow with the version it shadows, on live predictions."""
    views = shadow_views(ready_services(ctx))
    if not views:
        click.echo("No version is in shadow: `vitrine models shadow NAME VERSION` puts one.")
        return
    for view in views:
        click.echo(shadow_summary(view))
