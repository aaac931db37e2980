"""The configured instance under gunicorn with the repository's config, for the benchmarks."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(workers: int = 2, **env: str) -> Iterator[str]:
    """Serve on a free 127.0.0.1 port until /api/health answers and every worker has warmed
    its pages (gunicorn.conf.py); yields the base URL."""
    port = _free_port()
    environ = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_ACCESSLOG": "/dev/null",
        **env,
    }
    environ.pop("PROMETHEUS_MULTIPROC_DIR", None)  # gunicorn.conf.py makes a fresh one
    # gunicorn's log: each worker says there when it has warmed up.
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "dashboard.web.wsgi:server",
            ],
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(240):
                try:
                    urllib.request.urlopen(f"{base}/api/health", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None:
                        raise RuntimeError("gunicorn exited; is the instance set up?") from None
                    time.sleep(0.5)
            warming = environ.get("VITRINE_WARM_PAGES", "true").lower() != "false"
            for _ in range(240 if warming else 0):
                # pread: the file offset is shared with gunicorn, which keeps appending.
                if os.pread(log.fileno(), 1 << 20, 0).count(b"warm-up: ") >= workers:
                    break
                time.sleep(0.5)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=60)


def page_paths(option: str | None) -> list[str]:
    """The paths given as --pages (comma-separated), or every page in the navigation."""
    from dashboard.pages import PAGES

    return option.split(",") if option else [p.PATH for p in PAGES if p.NAV_LABEL]


def chromium() -> str:
    """Chromium's path ($CHROME_PATH first); exits with the one-line reason when it is missing."""
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium")
    if not chrome:
        sys.exit("Chromium is needed (apt-get install chromium chromium-driver).")
    return chrome
