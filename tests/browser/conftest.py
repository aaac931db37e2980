"""Browser fixtures: a real headless Chromium (dash_duo) and the axe-core audit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA and axe's best practices (unique landmarks, all content in landmarks, ...).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _require(condition: bool, why: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{why} (CI must run the browser tests)")
    pytest.skip(why)


@pytest.fixture(autouse=True)
def _browser_available() -> None:
    _require(
        shutil.which("chromedriver") is not None and shutil.which("chromium") is not None,
        "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
    )


@pytest.fixture(scope="session")
def axe_source() -> str:
    _require(AXE_JS.is_file(), f"{AXE_JS} is missing (run: npm ci)")
    return AXE_JS.read_text()


class AxeAudit:
    def __init__(self, driver: Any, source: str) -> None:
        self.driver = driver
        self.source = source

    def violations(self) -> list[dict[str, Any]]:
        self.driver.execute_script(self.source)
        result = self.driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            // Evidently's own report (a third-party iframe) is audited by its authors.
            axe.run({exclude: [['.drift-frame']]},
                    {runOnly: {type: 'tag', values: arguments[0]}})
              .then(r => done(r.violations.map(v => ({
                  id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)
              }))))
              .catch(e => done({error: String(e)}));
            """,
            WCAG_TAGS,
        )
        if isinstance(result, dict) and "error" in result:
            raise AssertionError(f"axe-core failed to run: {result['error']}")
        return result

    def assert_clean(self, where: str) -> None:
        found = self.violations()
        rules = "WCAG 2.2 AA and best-practice"
        assert found == [], f"axe-core {rules} violations on {where}:\n" + json.dumps(
            found, indent=2
        )


@pytest.fixture
def served(dash_duo, trained_settings):  # type: ignore[no-untyped-def]
    """The trained demo in Chromium (a module may define its own `served`)."""
    from dashboard.web.app import create_app

    dash_duo.start_server(create_app(trained_settings).extensions["dash"])
    return dash_duo


@pytest.fixture
def axe(dash_duo, axe_source: str) -> AxeAudit:  # type: ignore[no-untyped-def]
    dash_duo.driver.set_script_timeout(30)
    return AxeAudit(dash_duo.driver, axe_source)
