"""gunicorn as deployed: shared cache across workers, metrics, request ids, graceful SIGTERM."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import runpy
import signal
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import redis

from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from db.engine import session_scope
from db.models import Prediction
from tests.deploy.servers import ROOT, Served, gunicorn

pytestmark = pytest.mark.slow


def _multipart(image: bytes, text: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\n{text}\r\n'.encode(),
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; '
            f'filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        + image
        + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _request(
    served: Served, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(served.url + path, data=body, headers=headers or {})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, dict(response.headers), response.read()


def _predict(served: Served, settings: Settings, index: int = 0, request_id: str = "") -> int:
    data = catalogue_data(Services.from_settings(settings))
    i = int(data.index("test")[index])
    body, content_type = _multipart(data.image_paths[i].read_bytes(), data.texts[i] or "product")
    headers = {"Content-Type": content_type, "X-Request-ID": request_id or uuid.uuid4().hex}
    status, _headers, raw = _request(served, "/api/predict", body=body, headers=headers)
    assert status == 200
    return int(json.loads(raw)["prediction_id"])


def _pids_by_request_id(log: str) -> dict[str, str]:
    return dict(re.findall(r"request_id=(\S+) .* pid=<?(\d+)", log))


def test_config_sizes_workers_from_the_cpus_and_preloads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    monkeypatch.setenv("VITRINE_ONNX_THREADS", "")  # so the value the config sets is undone
    monkeypatch.delenv("VITRINE_ONNX_THREADS")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config["on_exit"](None)  # removes the metrics folder it made
    assert config["workers"] == max(2, multiprocessing.cpu_count())
    # Every worker's ONNX sessions together ask for no more threads than there are cores.
    onnx_threads = int(os.environ["VITRINE_ONNX_THREADS"])
    assert onnx_threads * config["workers"] <= max(config["workers"], multiprocessing.cpu_count())
    assert config["preload_app"] is True
    assert config["graceful_timeout"] >= 10
    assert "{x-request-id}o" in config["access_log_format"]
    assert (ROOT / "Procfile").read_text().count("-c gunicorn.conf.py") == 1


@pytest.fixture(scope="module")
def two_workers(trained_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Two gunicorn workers sharing Redis (database 14, emptied) as their cache."""
    from tests.conftest import redis_test_url

    url = redis_test_url(database=14)
    settings = trained_settings.model_copy(update={"cache_url": url})
    with gunicorn(settings, tmp_path_factory.mktemp("two-workers"), workers=2) as served:
        yield served, settings, url


def test_two_workers_share_explanations_through_redis(two_workers: Any) -> None:
    served, settings, url = two_workers
    prediction_id = _predict(served, settings)
    path = f"/api/predictions/{prediction_id}/explanation"
    _s, _h, raw = _request(served, path, headers={"X-Request-ID": "share-first"})
    assert json.loads(raw)["cached"] is False

    def fetch(n: int) -> tuple[str, bool]:
        request_id = f"share-{n}"
        _status, _headers, body = _request(served, path, headers={"X-Request-ID": request_id})
        return request_id, json.loads(body)["cached"]

    # Concurrent requests keep both workers busy, so both answer some of them.
    answered: list[tuple[str, bool]] = []
    first_pid = ""
    for round_ in range(10):
        with ThreadPoolExecutor(max_workers=6) as pool:
            answered += list(pool.map(fetch, range(round_ * 12, round_ * 12 + 12)))
        pids = _pids_by_request_id(served.log())
        first_pid = pids["share-first"]
        if any(pids.get(rid) not in (None, first_pid) for rid, _ in answered):
            break
    assert all(cached for _rid, cached in answered), "a repeat was computed again"
    others = [rid for rid, _ in answered if pids.get(rid) not in (None, first_pid)]
    assert others, "only the worker that computed the explanation ever answered"
    keys = redis.Redis.from_url(url).keys("vitrine:explanation:*")
    assert keys, "the explanation is not in Redis"


def test_metrics_add_up_every_worker_and_hold_no_personal_data(two_workers: Any) -> None:
    served, settings, _url = two_workers
    secret_id = "req-" + uuid.uuid4().hex
    _predict(served, settings, index=1, request_id=secret_id)
    for _ in range(20):
        _request(served, "/api/health")
    _status, headers, raw = _request(served, "/metrics")
    text = raw.decode()
    assert headers["Content-Type"].startswith("text/plain")
    health = re.search(
        r'vitrine_http_requests_total\{method="GET",route="/api/health",status="200"\} (\S+)', text
    )
    assert health and float(health.group(1)) >= 20  # whichever worker answered each one
    assert re.search(r'vitrine_predictions_total\{category="[^"]+",model="fusion"', text)
    assert 'route="/api/predictions/<int:prediction_id>/explanation"' in text
    assert "vitrine_http_request_duration_seconds_bucket" in text
    # No request id, product id or raw path with an id ever becomes a label.
    assert secret_id not in text
    assert not re.search(r'route="/api/predictions/\d+', text)


def test_access_log_has_one_line_per_request_with_its_id(two_workers: Any) -> None:
    served, _settings, _url = two_workers
    _status, headers, _raw = _request(served, "/api/health", headers={"X-Request-ID": "log-me-1"})
    assert headers["X-Request-ID"] == "log-me-1"
    time.sleep(0.2)
    lines = [line for line in served.log().splitlines() if "request_id=log-me-1 " in line]
    assert len(lines) == 1 and 'path="/api/health" status=200' in lines[0]


def test_a_path_cannot_forge_a_log_line(two_workers: Any) -> None:
    """%0a decodes to a newline in the path the access log prints: it must be written escaped
    (the app's own request log is checked in tests/dashboard/web/test_request_log.py)."""
    served, _settings, _url = two_workers
    forged = 'request_id=forged-1 remote=10.0.0.1 method=GET path="/api/health" status=200'
    sent = "/nothing%0a" + urllib.parse.quote(forged) + "%0d%0a%1b[2J%85end"
    with pytest.raises(urllib.error.HTTPError) as answer:
        _request(served, sent, headers={"X-Request-ID": "log-forge-1"})
    assert answer.value.code == 404
    time.sleep(0.2)
    lines = served.log().splitlines()
    assert not [line for line in lines if line.startswith("request_id=forged-1")]
    [line] = [line for line in lines if "request_id=log-forge-1 " in line]
    assert 'path="/nothing\\x0arequest_id=forged-1' in line
    assert 'path=\\"/api/health\\"' in line and "\\x1b[2J" in line
    assert '\\x0d\\x0a\\x1b[2J\\u0085end" status=404 ' in line  # the real end of the path


def test_each_worker_renders_every_page_before_visitors_ask(two_workers: Any) -> None:
    """The first visitor of a fresh worker does not pay for its cold caches (warmup.py)."""
    from dashboard.pages import PAGES

    served, _settings, _url = two_workers
    deadline = time.monotonic() + 120
    while len(re.findall(r"warm-up: (\d+) pages", served.log())) < 2:
        assert time.monotonic() < deadline, served.log()
        time.sleep(0.5)
    lines = re.findall(r"\[(\d+)\] \[INFO\] warm-up: (\d+) pages", served.log())
    assert len({pid for pid, _ in lines}) == 2  # one line per worker
    assert {int(count) for _, count in lines} == {len(PAGES)}
    assert "not rendered" not in served.log()


def test_sigterm_lets_an_inflight_prediction_finish_and_be_recorded(
    trained_settings: Settings, tmp_path: Path
) -> None:
    data = catalogue_data(Services.from_settings(trained_settings))
    i = int(data.index("test")[2])
    body, content_type = _multipart(data.image_paths[i].read_bytes(), data.texts[i] or "x")
    request_id = "graceful-" + uuid.uuid4().hex[:8]
    with gunicorn(trained_settings, tmp_path, workers=1) as served:
        port = int(served.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
            head = (
                f"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
                f"X-Request-ID: {request_id}\r\nConnection: close\r\n\r\n"
            ).encode()
            half = len(body) // 2
            sock.sendall(head + body[:half])
            time.sleep(1.0)  # the worker is now inside the request, reading the body
            served.process.send_signal(signal.SIGTERM)
            time.sleep(1.0)
            sock.sendall(body[half:])
            response = b""
            while chunk := sock.recv(65536):
                response += chunk
        assert served.process.wait(timeout=60) == 0
    status_line, _, rest = response.partition(b"\r\n")
    assert b" 200 " in status_line, response[:500]
    prediction_id = json.loads(rest.partition(b"\r\n\r\n")[2])["prediction_id"]
    services = Services.from_settings(trained_settings)
    with session_scope(services.sessions) as session:
        row = session.get(Prediction, prediction_id)
        assert row is not None and row.request_id == request_id
