"""Run the app as operators do: gunicorn with gunicorn.conf.py, or a `vitrine worker`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dashboard.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment variables that rebuild `settings` in another process."""
    env = {}
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        key = "DATABASE_URL" if name == "database_url" else f"VITRINE_{name.upper()}"
        env[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return env


def base_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env["PATH"] = f"{BIN}{os.pathsep}{env['PATH']}"
    return {**env, **settings_env(settings), **extra}


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def wait_for_health(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=3):
                return
        except OSError:
            if process.poll() is not None:
                raise AssertionError(log_path.read_text(errors="replace")) from None
            time.sleep(0.3)
    raise AssertionError("gunicorn did not answer /api/health within 120 s")


@contextmanager
def gunicorn(
    settings: Settings, folder: Path, *, workers: int = 2, **extra: str
) -> Iterator[Served]:
    """gunicorn with the repository's gunicorn.conf.py, as the Procfile and Dockerfile run it."""
    port = free_port()
    env = base_env(
        settings, HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY=str(workers), **extra
    )
    folder.mkdir(parents=True, exist_ok=True)
    log_path = folder / f"gunicorn-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "dashboard.web.wsgi:server",
            ],
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    served = Served(f"http://127.0.0.1:{port}", process, log_path)
    try:
        wait_for_health(served.url, process, log_path)
        yield served
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=60)


@contextmanager
def celery_worker(settings: Settings, folder: Path) -> Iterator[Path]:
    """`vitrine worker`, waiting until Celery says it is ready; yields its log file."""
    folder.mkdir(parents=True, exist_ok=True)
    log_path = folder / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(BIN / "vitrine"), "worker", "--concurrency", "1"],
            cwd=folder,
            env=base_env(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        while "ready." not in log_path.read_text(errors="replace"):
            assert process.poll() is None, log_path.read_text(errors="replace")
            assert time.monotonic() < deadline, "the Celery worker did not start"
            time.sleep(0.3)
        yield log_path
    finally:
        process.terminate()
        process.wait(timeout=60)
