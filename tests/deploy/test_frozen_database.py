"""The link to PostgreSQL freezes (its proxy is SIGSTOPped) while predictions pour in and the
audit trail is read under gunicorn: answers are 503 in seconds, not hangs, and the audit trail
and the answers agree."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from dashboard.web.resources import migrations_dir
from db import migrations
from db.engine import session_scope
from db.models import Prediction
from tests.dashboard.api.postgres_copy import copy_active_models
from tests.deploy.servers import ROOT, Served, gunicorn
from tests.deploy.test_gunicorn import _multipart, _request

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

# Frozen for longer than gunicorn lets a worker go silent: without bounded waits, workers
# blocked on the link are killed, and rows committed just before are never answered.
WORKER_TIMEOUT_S = 20
FROZEN_S = 25


def _proxy(host: str, port: int) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.tcp_proxy", host, str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, int(process.stdout.readline())


def _rows(url: str) -> set[str]:
    services = Services.from_settings(Settings(database_url=url))
    with session_scope(services.sessions) as session:
        ids = set(session.scalars(select(Prediction.request_id)))
    services.engine.dispose()
    return ids


def test_a_frozen_link_gives_503s_and_every_row_has_its_answer_or_a_logged_failure(
    trained_settings: Settings, postgres_url: str, tmp_path: Path
) -> None:
    migrations.upgrade(postgres_url, migrations_dir())
    copy_active_models(trained_settings, postgres_url)
    real = make_url(postgres_url)
    proxy, port = _proxy(real.host or "127.0.0.1", real.port or 5432)
    through_proxy = real.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
    settings = trained_settings.model_copy(
        update={
            "database_url": through_proxy,
            "predict_rate_limit": "100000/minute",
            # A read in flight when the link froze is cut after both bounds (5 + 5 s).
            "db_statement_timeout_s": 5.0,
        }
    )
    data = catalogue_data(Services.from_settings(trained_settings))
    image = data.image_paths[int(data.index("test")[0])].read_bytes()
    answers: dict[str, int] = {}
    reads: list[int] = []
    stop = threading.Event()

    def status_of(served: Served, path: str, **request: Any) -> int:
        try:
            return _request(served, path, **request)[0]
        except urllib.error.HTTPError as error:
            return error.code
        except (OSError, http.client.HTTPException):
            return 0  # no answer: the connection dropped (a killed worker) or timed out

    def keep_reading(served: Served) -> None:
        while not stop.is_set():
            reads.append(status_of(served, "/api/audit/predictions?page=1"))
            time.sleep(0.2)

    def keep_predicting(served: Served) -> None:
        while not stop.is_set():
            request_id = uuid.uuid4().hex
            body, content_type = _multipart(image, "steel watch")
            headers = {"Content-Type": content_type, "X-Request-ID": request_id}
            answers[request_id] = status_of(served, "/api/predict", body=body, headers=headers)

    try:
        with gunicorn(
            settings, tmp_path, workers=2, GUNICORN_TIMEOUT=str(WORKER_TIMEOUT_S)
        ) as served:
            clients = [threading.Thread(target=keep_predicting, args=(served,)) for _ in range(3)]
            clients.append(threading.Thread(target=keep_reading, args=(served,)))
            for client in clients:
                client.start()
            time.sleep(4)
            os.kill(proxy.pid, signal.SIGSTOP)
            time.sleep(FROZEN_S)
            os.kill(proxy.pid, signal.SIGCONT)
            time.sleep(6)
            stop.set()
            for client in clients:
                client.join(WORKER_TIMEOUT_S * 3)
            log = served.log()
    finally:
        os.kill(proxy.pid, signal.SIGCONT)
        proxy.kill()
        proxy.wait()

    statuses = list(answers.values())
    print(json.dumps({str(s): statuses.count(s) for s in sorted(set(statuses))}))
    assert set(statuses) <= {200, 503}, statuses  # no 500 and no request left unanswered
    assert statuses.count(503), "the freeze went unnoticed"
    assert statuses.count(200) > 3, "predictions did not resume after the thaw"
    print("audit reads: " + json.dumps({str(s): reads.count(s) for s in sorted(set(reads))}))
    assert set(reads) <= {200, 503} and reads.count(503) and reads[-1] == 200, reads
    # Every worker kept answering: none was killed for going silent on the frozen link.
    assert "WORKER TIMEOUT" not in log
    refusals = re.findall(r'path="/api/predict" status=503 .*duration_ms=(\d+)', log)
    print(f"503s took {sorted(int(ms) for ms in refusals)} ms in the server")

    rows = _rows(postgres_url)
    answered = {rid for rid, status in answers.items() if status == 200}
    assert answered <= rows, "a 200 without its audit row"
    failures = {rid for rid in answers if f"audit write failed (request_id={rid})" in log}
    unexplained = rows & set(answers) - answered - failures
    assert not unexplained, "an audit row whose request got neither a 200 nor a logged failure"
