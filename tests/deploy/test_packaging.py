"""What the Procfile and Dockerfile run works: a real wheel, migrations, and gunicorn."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    (found,) = out.glob("vitrine-*.whl")
    return found


def test_wheel_carries_migrations_and_assets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "dashboard/_bundled/alembic/env.py",
        "dashboard/_bundled/alembic/versions/0001_initial_schema.py",
        "dashboard/_bundled/assets/00-bootstrap.min.css",
        "dashboard/_bundled/assets/10-vitrine.css",
        "ml/__init__.py",
        "db/models.py",
        "dashboard/services/templates/decision_report.html",  # the decision report's page
    ):
        assert expected in names, expected


def test_installed_wheel_finds_its_bundled_folders(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "from dashboard.web.resources import migrations_dir, assets_dir; "
        "print(migrations_dir()); print(assets_dir())"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [
        str(site / "dashboard/_bundled/alembic"),
        str(site / "dashboard/_bundled/assets"),
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _procfile() -> dict[str, str]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        entries[name.strip()] = command.strip()
    return entries


def test_procfile_release_then_web_serves_health(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'procfile.db'}",
        "VITRINE_INSTANCE_DIR": str(tmp_path / "instance"),
        "VITRINE_DATA_DIR": str(tmp_path / "data"),
        "VITRINE_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
        "HOST": "127.0.0.1",
    }
    procfile = _procfile()
    subprocess.run(procfile["release"], shell=True, env=env, check=True, timeout=120)
    # The shell expands ${PORT} as a Procfile host does; exec lets terminate() reach gunicorn.
    log = (tmp_path / "web.log").open("wb")
    web = subprocess.Popen(
        "exec " + procfile["web"],
        shell=True,
        env=env,
        cwd=ROOT,  # a Procfile host runs from the app's root, where gunicorn.conf.py is
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=3) as r:
                    body = r.read().decode()
            except OSError:
                assert web.poll() is None, web.stdout.read().decode() if web.stdout else ""
                time.sleep(0.5)
        assert body is not None and '"status":"ok"' in body.replace(" ", "")
    finally:
        web.terminate()
        assert web.wait(timeout=60) == 0, (tmp_path / "web.log").read_text()
        log.close()
