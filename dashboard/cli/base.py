"""What every command shares: one-line errors, lazily loaded command groups, settings, services."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import click

from dashboard.services.state import Services
from dashboard.settings import Settings
from dashboard.web.resources import migrations_dir
from db import migrations


class CliError(click.ClickException):
    """A failure the user can act on: printed as one line, exit status 1."""


class VitrineGroup(click.Group):
    """Turns any unexpected exception into one readable line unless --debug is given.

    Subcommands named in `lazy` ("name": ("module:attribute", "short help")) are imported only
    when they run, so `vitrine db upgrade` and `vitrine --help` never load torch: click's
    lazy-group pattern, with the help line given up front.
    """

    def __init__(
        self, *args: Any, lazy: dict[str, tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module, attribute = self.lazy[cmd_name][0].split(":")
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, self.lazy[name][1]) for name in sorted(self.lazy)]
        rows += [
            (name, command.get_short_help_str(limit=formatter.width))
            for name, command in sorted(self.commands.items())
            if not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(sorted(rows))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise CliError(one_line(exc)) from exc


def one_line(exc: Exception) -> str:
    text = exc.args[0] if isinstance(exc, LookupError) and exc.args else str(exc)
    lines = str(text).strip().splitlines()
    # Vitrine's own errors are written for users; others get their type named.
    ours = type(exc).__module__.split(".")[0] in {"ml", "dashboard", "db"}
    if not lines:
        return repr(exc)
    if ours:
        return lines[0]
    return f"{exc.__class__.__name__}: {lines[0]}"


def settings_from(ctx: click.Context) -> Settings:
    obj = ctx.ensure_object(dict)
    if "settings" not in obj:
        try:
            obj["settings"] = Settings()
        except Exception as exc:  # pydantic's validation error is many lines
            raise CliError(f"invalid configuration: {exc}".splitlines()[0]) from exc
    settings: Settings = obj["settings"]
    return settings


def ensure_schema(settings: Settings) -> None:
    """Bring the schema to the newest revision (idempotent; a no-op when it already is)."""
    migrations.upgrade(settings.database_url, migrations_dir())


def ready_services(ctx: click.Context) -> Services:
    """Settings from the environment, the schema brought up to date, and the services."""
    settings = settings_from(ctx)
    ensure_schema(settings)
    return Services.from_settings(settings)


images_option = click.option(
    "--images",
    "images_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder holding the image files the CSV names.",
)
