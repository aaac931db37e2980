"""The child process that computes one pixel map for a web worker without Redis.

Started by `pixel_jobs.run_child`, which writes the pickled (Settings, PixelJob) to its stdin.
It builds only the services the explanation needs, not the web app.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import sys
import threading
import time

from flask import Flask

from dashboard.services.state import Services
from dashboard.web.context import install
from dashboard.web.pixel_jobs import JOB_DEADLINE_S, compute


def _leave_with_parent(parent: int) -> None:
    """A web worker killed (gunicorn's timeout, SIGKILL) cannot kill its child: the child
    notices it was orphaned and stops, so no job outlives the server that asked for it."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def main() -> None:
    os.nice(10)  # web requests first
    signal.alarm(JOB_DEADLINE_S)  # its own deadline, whatever happens to the web worker
    threading.Thread(target=_leave_with_parent, args=(os.getppid(),), daemon=True).start()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings, job = pickle.load(sys.stdin.buffer)
    server = Flask("vitrine-pixel-job")
    install(server, Services.from_settings(settings))
    compute(server, job, local=True)


if __name__ == "__main__":
    main()
