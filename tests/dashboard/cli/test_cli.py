"""The vitrine command: help everywhere, migrations, and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import inspect

from dashboard import __version__
from dashboard.cli import COMMANDS, main
from dashboard.web.resources import migrations_dir
from db import migrations
from db.engine import make_engine


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            found += _all_commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("path", _all_commands(main), ids=lambda p: " ".join(p) or "vitrine")
def test_help_on_every_level(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_top_level_help_lists_every_command_without_loading_them() -> None:
    """`vitrine --help` stays quick: each command's module (and torch) loads only when it runs."""
    code = (
        "import sys; from click.testing import CliRunner; from dashboard.cli import main; "
        "out = CliRunner().invoke(main, ['--help']).output; "
        "print(out); print('TORCH' if 'torch' in sys.modules else 'NO-TORCH')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("NO-TORCH")
    for name in COMMANDS:
        assert f"  {name} " in result.stdout
    ctx = click.Context(main)
    for name in COMMANDS:  # and each one loads under its own name
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    engine = make_engine(url)
    assert "predictions" in inspect(engine).get_table_names()
    engine.dispose()

    current = CliRunner().invoke(main, ["db", "current"], env={"DATABASE_URL": url})
    head = migrations.head_revision(migrations_dir())
    assert head and f"current: {head}  head: {head}" in current.output


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["db", "upgrade"], env={"DATABASE_URL": "nosuchdb://nowhere/x"}
    )
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error:")
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback() -> None:
    result = CliRunner().invoke(
        main, ["--debug", "db", "upgrade"], env={"DATABASE_URL": "nosuchdb://nowhere/x"}
    )
    assert result.exit_code != 0
    assert result.exception is not None and not isinstance(result.exception, SystemExit)


def test_installed_console_script_runs(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("vitrine")
    proc = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert __version__ in proc.stdout


def test_train_without_a_catalogue_is_one_clear_line(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    result = CliRunner().invoke(main, ["train"], env=env)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: the catalogue is empty; run `vitrine data ingest` or `vitrine demo` first"
    ]


def test_unknown_model_name_is_one_clear_line(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    for args in (["train", "--models", "fusion,resnet"], ["models", "activate", "resnet", "1"]):
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 1
        assert result.output.strip().splitlines() == [
            "Error: unknown model 'resnet'; known: fusion, baseline, stage_probe, vit, text, "
            "pancan_lite, ensemble"
        ]


def test_activating_a_missing_version_is_one_clear_line(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    result = CliRunner().invoke(main, ["models", "activate", "fusion", "7"], env=env)
    assert result.exit_code == 1
    assert result.output.strip() == "Error: no version 7 of model 'fusion'"
