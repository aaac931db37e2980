"""The dependency rule (README, Layout) holds: import-linter's contracts in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    # --no-cache: a stale graph must never hide a new import.
    return subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_code_keeps_every_layer_contract() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_a_service_reaching_into_the_web_layer_is_caught(tmp_path: Path) -> None:
    """The contracts do fail: a copy of the tree where a service imports the request context."""
    for folder in ("dashboard", "ml", "db"):
        subprocess.run(
            ["cp", "-r", str(ROOT / folder), str(tmp_path / folder)], check=True
        )
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    service = tmp_path / "dashboard/services/batch.py"
    service.write_text(
        service.read_text() + textwrap.dedent("""
            from dashboard.web.context import services as _current  # noqa: E402
        """)
    )
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "dashboard.services.batch -> dashboard.web.context" in result.stdout
