"""The `vitrine` command line: database, serving, and (in later modules) data and models."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from dashboard import __version__
from dashboard.settings import Settings


class CliError(click.ClickException):
    """A failure the user can act on: printed as one line, exit status 1."""


class VitrineGroup(click.Group):
    """Turns any unexpected exception into one readable line unless --debug is given."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            text = exc.args[0] if isinstance(exc, LookupError) and exc.args else str(exc)
            lines = str(text).strip().splitlines()
            # Vitrine's own errors are written for users; others get their type named.
            ours = type(exc).__module__.split(".")[0] in {"ml", "dashboard", "db"}
            if not lines:
                reason = repr(exc)
            elif ours:
                reason = lines[0]
            else:
                reason = f"{exc.__class__.__name__}: {lines[0]}"
            raise CliError(reason) from exc


def settings_from(ctx: click.Context) -> Settings:
    obj = ctx.ensure_object(dict)
    if "settings" not in obj:
        try:
            obj["settings"] = Settings()
        except Exception as exc:  # pydantic's validation error is many lines
            raise CliError(f"invalid configuration: {exc}".splitlines()[0]) from exc
    return obj["settings"]


images_option = click.option(
    "--images",
    "images_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder holding the image files the CSV names.",
)


@click.group(cls=VitrineGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


@main.group(cls=VitrineGroup)
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Apply migrations up to REVISION (the newest by default)."""
    from dashboard.resources import migrations_dir
    from db import migrations

    settings = settings_from(ctx)
    migrations.upgrade(settings.database_url, migrations_dir(), revision)
    click.echo(f"Database at {revision}: {_safe_url(settings.database_url)}")


@db.command("downgrade")
@click.argument("revision")
@click.pass_context
def db_downgrade(ctx: click.Context, revision: str) -> None:
    """Revert migrations down to REVISION ('base' empties the schema)."""
    from dashboard.resources import migrations_dir
    from db import migrations

    settings = settings_from(ctx)
    migrations.downgrade(settings.database_url, migrations_dir(), revision)
    click.echo(f"Database at {revision}: {_safe_url(settings.database_url)}")


@db.command("current")
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Show the revision the database is at and the newest one available."""
    from dashboard.resources import migrations_dir
    from db import migrations
    from db.engine import make_engine

    settings = settings_from(ctx)
    engine = make_engine(settings.database_url)
    current = migrations.current_revision(engine)
    head = migrations.head_revision(migrations_dir())
    click.echo(f"current: {current or 'empty'}  head: {head}")
    engine.dispose()


def ready_services(ctx: click.Context) -> Any:
    """Settings from the environment, the schema brought up to date, and the services."""
    from dashboard.services import Services

    settings = settings_from(ctx)
    ensure_schema(settings)
    return Services.from_settings(settings)


def ensure_schema(settings: Settings) -> None:
    """Bring the schema to the newest revision (idempotent; a no-op when it already is)."""
    from dashboard.resources import migrations_dir
    from db import migrations

    migrations.upgrade(settings.database_url, migrations_dir())


@main.group(cls=VitrineGroup)
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
    from dashboard.ingest import ingest_catalogue
    from ml.catalogue import CatalogueError

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
    from dashboard.quality import quality_report

    services = ready_services(ctx)
    report = quality_report(services, threshold, progress=True)
    assert report is not None  # compute=True always gives a report
    click.echo(f"{report.products} products checked (near-duplicate threshold {threshold}):")
    click.echo(f"  exact duplicates (same image bytes): {len(report.exact)} pairs")
    click.echo(f"  near duplicates (cosine >= {threshold}): {len(report.near)} pairs")
    click.echo(f"  leaky pairs (a duplicate across train/validation and test): {len(report.leaky)}")
    for pair in report.pairs[:show]:
        kind = "exact" if pair.exact else f"{pair.similarity:.3f}"
        click.echo(f"    {pair.a}  {pair.b}  {kind}{'  LEAKY' if pair.leaky else ''}")


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
    from ml.demo.catalogue import generate

    csv_path = generate(out_dir, per_category=per_category, seed=seed)
    click.echo(f"Wrote {csv_path} and {per_category * 7} images in {out_dir / 'Images'}")


def _model_names(value: str | None) -> list[str]:
    from ml.models.registry import MODEL_NAMES

    if not value:
        return list(MODEL_NAMES)
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in MODEL_NAMES]
    if unknown:
        raise CliError(f"unknown model {unknown[0]!r}; known: {', '.join(MODEL_NAMES)}")
    return names


@main.command()
@click.option(
    "--models",
    "models",
    default=None,
    metavar="NAMES",
    help="Comma-separated model names (default: all six).",
)
@click.option(
    "--activate/--no-activate",
    "activate_new",
    default=False,
    show_default=True,
    help="Make the new versions active (a model with no active version gets one).",
)
@click.pass_context
def train(ctx: click.Context, models: str | None, activate_new: bool) -> None:
    """Train models on the train split, select on validation, score on test."""
    from dashboard import training

    names = _model_names(models)
    services = ready_services(ctx)
    outcomes = training.train(
        services,
        names,
        report=lambda line: click.echo(f"  {line}"),
        activate_new=activate_new,
    )
    click.echo(_metrics_table([(o.name, o.version, o.metrics, o.activated) for o in outcomes]))


@main.command()
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
@click.pass_context
def evaluate(ctx: click.Context, models: str | None, shift: bool, art_sets: Path | None) -> None:
    """Score the active model versions on the test split and store the metrics."""
    from dashboard import training

    names = _model_names(models) if models else None
    services = ready_services(ctx)
    if shift:
        from dashboard import style_shift
        from ml.style_shift import SHIFT_MODELS, NoStyles

        try:
            result = style_shift.run_and_store(services, art_sets, names or SHIFT_MODELS)
        except NoStyles as exc:
            raise CliError(str(exc)) from exc
        click.echo(_shift_table(result))
        return
    results = training.evaluate(services, names)
    click.echo(_metrics_table([(n, r["version"], r, True) for n, r in results.items()]))


def _shift_table(result: dict[str, Any]) -> str:
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
    if "fallback" in result:
        lines.append(f"fallback by this figure: {result['fallback']}")
    return "\n".join(lines)


@main.command("predict")
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
    from dashboard.batch import score_csv
    from dashboard.prediction import predictor_for
    from ml.catalogue import CatalogueError

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


@main.group(cls=VitrineGroup, invoke_without_command=True)
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
    from dashboard.drift import TooFewRows, run_and_store

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
    from dashboard.drift import simulate

    services = ready_services(ctx)
    sent = simulate(services, count)
    click.echo(
        f"Sent {sent} shifted products through the prediction path (audit source "
        "batch). Run `vitrine drift` to measure the drift."
    )


@main.group(cls=VitrineGroup)
def explain() -> None:
    """Explanations (SHAP) and the spatial-bias audit."""


@explain.command("audit")
@click.option(
    "--model",
    type=click.Choice(["vit", "fusion"]),
    default="vit",
    show_default=True,
    help="vit looks at the image only; fusion also reads the text.",
)
@click.option(
    "--limit", type=click.IntRange(1), default=None, help="Audit only the first N test products."
)
@click.pass_context
def explain_audit(ctx: click.Context, model: str, limit: int | None) -> None:
    """Mean |SHAP| per image cell and class, quarter shares, accuracy with products moved."""
    from dashboard.explain import audit_path, run_spatial_audit

    services = ready_services(ctx)
    result = run_spatial_audit(services, model, limit)
    click.echo(result["verdict"])
    shares = ", ".join(f"{k} {v:.0%}" for k, v in result["quadrant_shares"].items())
    click.echo(f"  attribution by quarter: {shares}")
    accuracy = ", ".join(f"{k} {v:.0%}" for k, v in result["accuracy"].items())
    click.echo(f"  accuracy: {accuracy}")
    click.echo(f"  stored: {audit_path(services)}")


def _metrics_table(rows: list[tuple[str, int, dict, bool]]) -> str:
    header = (
        f"{'model':<12} {'ver':>3} {'accuracy':>8} {'macro-F1':>8} {'ECE':>6} "
        f"{'params':>9} {'ms':>7}  active"
    )
    lines = [header]
    for name, version, metrics, active in rows:
        lines.append(
            f"{name:<12} {version:>3} {metrics.get('accuracy', 0):>8.3f} "
            f"{metrics.get('macro_f1', 0):>8.3f} {metrics.get('ece', 0):>6.3f} "
            f"{metrics.get('n_parameters', '') or '':>9} {metrics.get('latency_ms', 0):>7.2f}"
            f"  {'yes' if active else ''}"
        )
    return "\n".join(lines)


@main.group(cls=VitrineGroup)
def models() -> None:
    """Trained model versions."""


@models.command("list")
@click.pass_context
def models_list(ctx: click.Context) -> None:
    """List every model version with its test metrics."""
    from db.engine import session_scope
    from db.repo_models import list_model_versions

    services = ready_services(ctx)
    with session_scope(services.sessions) as session:
        rows = [
            (mv.name, mv.version, {**mv.metrics, "n_parameters": mv.params_count}, mv.is_active)
            for mv in list_model_versions(session)
        ]
    if not rows:
        click.echo("No model version yet: run `vitrine train`.")
        return
    click.echo(_metrics_table(rows))


@models.command("activate")
@click.argument("name")
@click.argument("version", type=int)
@click.pass_context
def models_activate(ctx: click.Context, name: str, version: int) -> None:
    """Make VERSION the active version of model NAME."""
    from db.engine import session_scope
    from db.repo_models import activate

    _model_names(name)
    services = ready_services(ctx)
    try:
        with session_scope(services.sessions) as session:
            activate(session, name, version)
    except LookupError as exc:
        raise CliError(exc.args[0]) from exc
    click.echo(f"{name} v{version} is now active.")


@main.command()
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
    from dashboard.ingest import ingest_catalogue
    from db.engine import session_scope
    from db.repo_models import list_model_versions
    from ml.demo.catalogue import CSV_NAME, IMAGES_DIR, generate

    settings = settings_from(ctx)
    demo_dir = settings.data_dir / "demo"
    csv_path = demo_dir / CSV_NAME
    from dashboard import training
    from ml.models.registry import MODEL_NAMES

    click.echo("[1/5] Demo catalogue")
    if csv_path.exists():
        click.echo(f"      reusing {csv_path}")
    else:
        generate(demo_dir, per_category=per_category)
    click.echo("[2/5] Database and catalogue")
    services = ready_services(ctx)
    result = ingest_catalogue(services, csv_path, demo_dir / IMAGES_DIR)
    for line in result.summary_lines():
        click.echo(f"      {line}")
    click.echo("[3/5] Models")
    with session_scope(services.sessions) as session:
        trained = {mv.name for mv in list_model_versions(session)}
    missing = [name for name in MODEL_NAMES if name not in trained]
    if missing:
        outcomes = training.train(
            services, missing, report=lambda line: click.echo(f"      {line}")
        )
        click.echo(_metrics_table([(o.name, o.version, o.metrics, o.activated) for o in outcomes]))
    else:
        click.echo("      reusing the trained versions (vitrine train makes new ones)")
    chosen = training.activate_best(services)
    click.echo("      active: " + ", ".join(f"{n} v{v}" for n, v in chosen.items()))
    _demo_fallback(services)
    click.echo("[4/5] Audit trail and drift baseline")
    _demo_audit(services)
    if serve:
        click.echo("[5/5] Dashboard")
        ctx.invoke(serve_command, host=host, port=port, migrate=False)


def _demo_fallback(services: Any) -> None:
    """Choose the image-only fallback by style shift, measuring the quick linear candidates
    (a minute); `vitrine evaluate --shift` measures every model, the ViT included."""
    from dashboard import style_shift
    from dashboard.prediction import fallback_name
    from db.engine import session_scope
    from db.repo_models import active_versions
    from ml.style_shift import NoStyles
    from ml.training import NotEnoughData

    if style_shift.latest(services) is None:
        click.echo("      style shift: leave-one-style-out of stage_probe and baseline")
        try:
            style_shift.run_and_store(services, names=("stage_probe", "baseline"), progress=False)
        except (NoStyles, NotEnoughData) as exc:
            click.echo(f"      style shift not measured: {exc}")
    with session_scope(services.sessions) as session:
        active = list(active_versions(session))
    click.echo(
        f"      image-only fallback: {fallback_name(services, active)} "
        "(vitrine evaluate --shift compares every model)"
    )


def _demo_audit(services: Any) -> None:
    """A first audit trail (the test split, scored in batch) and a baseline drift report."""
    from dashboard.drift import TooFewRows, run_and_store
    from dashboard.prediction import predict_and_record_many
    from dashboard.training import catalogue_data
    from db.engine import session_scope
    from db.repo_predictions import count_predictions

    with session_scope(services.sessions) as session:
        if count_predictions(session):
            click.echo("      the audit trail already has predictions")
            return
    data = catalogue_data(services)
    test = data.index("test")
    for start in range(0, len(test), 64):
        batch = test[start : start + 64]
        predict_and_record_many(
            services,
            [data.image_paths[i].read_bytes() for i in batch],
            [data.texts[i] for i in batch],
            source="batch",
            request_id="demo-test-split",
            product_ids=[data.ids[i] for i in batch],
        )
    click.echo(f"      scored the {len(test)} test products (audit source batch)")
    try:
        stored = run_and_store(services)
    except TooFewRows as exc:
        click.echo(f"      no drift baseline: {exc}")
        return
    verdict = "drift" if stored.result.dataset_drift else "no drift"
    click.echo(
        f"      drift baseline #{stored.report_id}: {verdict} "
        f"(try `vitrine drift simulate`, then `vitrine drift`)"
    )


@main.command("serve")
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
    from dashboard.app import create_app

    settings = settings_from(ctx)
    if migrate:
        ensure_schema(settings)
    server = create_app(settings)
    click.echo(f"Vitrine on http://{host}:{port}/  (Ctrl+C stops it)")
    server.run(host=host, port=port, debug=False)


@main.group(cls=VitrineGroup)
def users() -> None:
    """Accounts and API tokens (used when VITRINE_AUTH=required)."""


@users.command("add")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["viewer", "auditor", "admin"]),
    default="viewer",
    show_default=True,
)
@click.password_option(
    "--password", envvar="VITRINE_NEW_PASSWORD", help="Asked for when not given."
)
@click.pass_context
def users_add(ctx: click.Context, username: str, role: str, password: str) -> None:
    """Create an account; its password is stored as an argon2 hash."""
    from dashboard.auth import hash_password
    from db.engine import session_scope
    from db.repo_users import add_user

    if not 1 <= len(username) <= 64 or not username.replace("-", "").replace("_", "").isalnum():
        raise CliError("a username is 1-64 letters, digits, - or _")
    if len(password) < 8:
        raise CliError("a password has at least 8 characters")
    services = ready_services(ctx)
    try:
        with session_scope(services.sessions) as session:
            add_user(session, username, hash_password(password), role)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    click.echo(f"{username} ({role}) added.")


@users.command("remove")
@click.argument("username")
@click.pass_context
def users_remove(ctx: click.Context, username: str) -> None:
    """Delete an account and its API tokens."""
    from db.engine import session_scope
    from db.repo_users import remove_user

    services = ready_services(ctx)
    with session_scope(services.sessions) as session:
        if not remove_user(session, username):
            raise CliError(f"no user {username!r}")
    click.echo(f"{username} removed, with its tokens.")


@users.command("token")
@click.argument("username")
@click.option("--label", default="cli", show_default=True, help="What the token is for.")
@click.pass_context
def users_token(ctx: click.Context, username: str, label: str) -> None:
    """Create an API token for USERNAME and print it once (only its hash is kept)."""
    from dashboard.auth import new_token
    from db.engine import session_scope
    from db.repo_users import add_token, get_user

    services = ready_services(ctx)
    token, digest = new_token()
    with session_scope(services.sessions) as session:
        user = get_user(session, username)
        if user is None:
            raise CliError(f"no user {username!r}")
        add_token(session, user, label[:64], digest)
    click.echo(token)
    click.echo("Send it as 'Authorization: Bearer <token>'. It is not shown again.", err=True)


@users.command("list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    """Accounts and their roles."""
    from db.engine import session_scope
    from db.repo_users import list_users

    services = ready_services(ctx)
    with session_scope(services.sessions) as session:
        rows = [(u.username, u.role) for u in list_users(session)]
    if not rows:
        click.echo("No accounts yet: vitrine users add NAME --role admin")
    for name, role in rows:
        click.echo(f"{name:<24} {role}")


@main.command("worker")
@click.option(
    "--concurrency",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Jobs run at once (each in its own process).",
)
@click.pass_context
def worker_command(ctx: click.Context, concurrency: int) -> None:
    """Run a Celery worker for the dashboard's background jobs (needs VITRINE_CACHE_URL=redis://)."""
    from dashboard.app import create_app
    from dashboard.caching import uses_redis

    settings = settings_from(ctx)
    if not uses_redis(settings):
        raise click.ClickException(
            "a worker needs VITRINE_CACHE_URL=redis://...; without it background jobs run "
            "inside the web server"
        )
    # Building the app registers every background callback as a Celery task.
    server = create_app(settings)
    celery = server.extensions["vitrine_background"].handle
    # prefork: a cancelled job's process is terminated without taking the worker down.
    celery.worker_main(
        ["worker", "--pool=prefork", f"--concurrency={concurrency}", "--loglevel=INFO"]
    )


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
