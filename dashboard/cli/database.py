"""`vitrine db`: the database schema (Alembic migrations)."""

from __future__ import annotations

import click
from sqlalchemy.engine import make_url

from dashboard.cli.base import VitrineGroup, settings_from
from dashboard.web.resources import migrations_dir
from db import migrations
from db.engine import make_engine


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@click.group(cls=VitrineGroup)
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Apply migrations up to REVISION (the newest by default)."""
    settings = settings_from(ctx)
    migrations.upgrade(settings.database_url, migrations_dir(), revision)
    click.echo(f"Database at {revision}: {_safe_url(settings.database_url)}")


@db.command("downgrade")
@click.argument("revision")
@click.pass_context
def db_downgrade(ctx: click.Context, revision: str) -> None:
    """Revert migrations down to REVISION ('base' empties the schema)."""
    settings = settings_from(ctx)
    migrations.downgrade(settings.database_url, migrations_dir(), revision)
    click.echo(f"Database at {revision}: {_safe_url(settings.database_url)}")


@db.command("current")
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Show the revision the database is at and the newest one available."""
    settings = settings_from(ctx)
    engine = make_engine(settings.database_url)
    current = migrations.current_revision(engine)
    head = migrations.head_revision(migrations_dir())
    click.echo(f"current: {current or 'empty'}  head: {head}")
    engine.dispose()
