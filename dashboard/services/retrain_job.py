"""Retraining the primary model on reviewers' decisions, started from the Models page.

It runs `vitrine train --models fusion --use-reviews` as a separate, low-priority process on
the web host (training needs the train extra there; the runtime image leaves it out), so no web
worker is held for minutes. Its output goes to a log in the instance folder, whose last line
says how it ended; one run at a time per instance folder.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.util import find_spec
from pathlib import Path

from dashboard.services.processes import alive
from dashboard.settings import Settings
from ml.models.registry import PRIMARY

STATE = "retrain.json"
LOG = "retrain.log"
ENDED = "vitrine-retrain-exit "


class AlreadyRunning(RuntimeError):
    def __str__(self) -> str:
        return "a retraining is already running; wait for it to end"


def can_train() -> bool:
    """Whether this install holds the train extra (looked up, not imported: torch is heavy)."""
    try:
        return all(find_spec(name) is not None for name in ("torch", "timm", "cleanlab"))
    except ImportError:  # a finder may refuse outright rather than answer None
        return False


@dataclass(frozen=True)
class RetrainState:
    started_at: str  # UTC, YYYY-MM-DD HH:MM
    running: bool
    exit_code: int | None
    tail: list[str]  # the log's last lines


def state(settings: Settings) -> RetrainState | None:
    path = settings.instance_dir / STATE
    if not path.is_file():
        return None
    saved = json.loads(path.read_text())
    log = Path(saved["log"])
    lines = log.read_text(errors="replace").splitlines() if log.is_file() else []
    ended = next((ln for ln in reversed(lines) if ln.startswith(ENDED)), None)
    code = int(ended.removeprefix(ENDED)) if ended else None
    running = code is None and alive(int(saved["pid"]))
    shown = [ln for ln in lines if not ln.startswith(ENDED)][-8:]
    return RetrainState(saved["started_at"], running, code, shown)


def start(settings: Settings) -> RetrainState:
    """Start the run (AlreadyRunning while one runs)."""
    current = state(settings)
    if current is not None and current.running:
        raise AlreadyRunning()
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    log = settings.instance_dir / LOG
    command = [
        sys.executable,
        "-c",
        "from dashboard.cli import main; main()",
        "train",
        "--models",
        PRIMARY,
        "--use-reviews",
    ]
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "VITRINE_DATA_DIR": str(settings.data_dir.resolve()),
        "VITRINE_ARTIFACTS_DIR": str(settings.artifacts_dir.resolve()),
        "VITRINE_INSTANCE_DIR": str(settings.instance_dir.resolve()),
    }
    # The shell writes how it ended, so any worker reading the log knows, not only the parent.
    script = f'nice -n 10 {shlex.join(command)}; echo "{ENDED}$?"'
    with log.open("w") as out:
        process = subprocess.Popen(
            ["sh", "-c", script],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # not a child the web worker must wait for
        )
    threading.Thread(target=process.wait, daemon=True).start()  # reaped when it ends
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")  # said as "... UTC"
    (settings.instance_dir / STATE).write_text(
        json.dumps({"pid": process.pid, "started_at": started, "log": str(log)})
    )
    return RetrainState(started, True, None, [])
