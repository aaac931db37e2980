"""`vitrine drift` says which window it read, and selects it by source, time and count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from dashboard.cli import main
from dashboard.services.drift import simulate
from dashboard.services.state import Services
from dashboard.settings import Settings
from tests.dashboard.cli.test_batch_and_check import _env


def test_the_window_is_printed_and_selected(trained_settings: Settings) -> None:
    services = Services.from_settings(trained_settings)
    started = (datetime.now(UTC) - timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S")
    simulate(services, count=40, seed=7)
    runner = CliRunner()
    env = _env(trained_settings)

    shown = runner.invoke(main, ["drift", "--since", started, "--last", "35"], env=env)
    assert shown.exit_code == 0, shown.output
    first = shown.output.splitlines()[0]
    assert first.startswith("Window: 35 predictions (batch 35) from "), first
    assert "dataset drift: yes" in shown.output

    # Nothing came through the API in that time: a clear one-line refusal, not a report.
    empty = runner.invoke(main, ["drift", "--since", started, "--source", "api"], env=env)
    assert empty.exit_code == 1
    (line,) = empty.output.strip().splitlines()
    assert line.startswith("Error: no drift report: only 0 predictions in the window (")
    assert "from api" in line and "drift needs at least 30" in line

    unknown = runner.invoke(main, ["drift", "--source", "demo"], env=env)
    assert unknown.exit_code == 2 and "'demo' is not one of" in unknown.output
