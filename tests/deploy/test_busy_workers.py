"""Heavy pixel explanations asked through the API do not take the web workers with them."""

from __future__ import annotations

import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from dashboard.settings import Settings
from tests.conftest import redis_test_url
from tests.deploy.servers import Served, celery_worker, gunicorn
from tests.deploy.test_gunicorn import _predict, _request

pytestmark = pytest.mark.slow

HEAVY_EVALS = 1000


def _ask(served: Served, path: str) -> tuple[int, dict[str, Any]]:
    status, _headers, raw = _request(served, path)
    return status, json.loads(raw)


def _until_ready(served: Served, path: str) -> dict[str, Any]:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        status, body = _ask(served, path)
        if status == 200:
            return body
        assert status == 202, body
        time.sleep(body["retry_after"])
    raise AssertionError(f"{path} never became ready")


def _health_seconds(served: Served) -> float:
    started = time.monotonic()
    status, _headers, _raw = _request(served, "/api/health")
    assert status == 200
    return time.monotonic() - started


def test_health_answers_within_a_second_during_four_heavy_explanations(
    trained_settings: Settings, tmp_path: Path
) -> None:
    # Open mode, with the evaluation cap raised so anyone may ask for heavy maps.
    settings = trained_settings.model_copy(update={"explain_max_evals": HEAVY_EVALS})
    with gunicorn(settings, tmp_path, workers=2) as served:
        ids = [_predict(served, settings, index) for index in range(4)]
        paths = [
            f"/api/predictions/{i}/explanation?mode=pixels&max_evals={HEAVY_EVALS}" for i in ids
        ]
        with ThreadPoolExecutor(max_workers=4) as pool:
            started = list(pool.map(lambda path: _ask(served, path), paths))
        # Each request is answered at once with a job to poll, not after the work.
        assert [status for status, _body in started] == [202] * 4
        assert all(body["started_now"] for _status, body in started)

        # Health is asked while the jobs run (each starts a fresh interpreter first).
        latencies: list[float] = []
        deadline = time.monotonic() + 240
        while len(latencies) < 20 and time.monotonic() < deadline:
            states = [_ask(served, path)[1].get("status") for path in paths]
            if "running" in states:
                latencies.append(_health_seconds(served))
            elif all(state is None for state in states):  # all answered 200
                break
            time.sleep(0.25)
        assert len(latencies) == 20, "the jobs finished before health was measured under load"
        print(
            f"health under load: median {statistics.median(latencies) * 1000:.0f} ms, max "
            f"{max(latencies) * 1000:.0f} ms over {len(latencies)} requests"
        )
        assert max(latencies) < 1.0, latencies

        for path in paths:
            image = _until_ready(served, path)["image"]
            assert image["mode"] == "pixels" and image["evaluations"] == HEAVY_EVALS


def test_with_redis_a_celery_worker_computes_the_apis_pixel_maps(
    trained_settings: Settings, tmp_path: Path
) -> None:
    settings = trained_settings.model_copy(update={"cache_url": redis_test_url(database=12)})
    with gunicorn(settings, tmp_path / "web", workers=1) as served:
        prediction_id = _predict(served, settings, 5)
        path = f"/api/predictions/{prediction_id}/explanation?mode=pixels&max_evals=100"
        status, body = _ask(served, path)
        assert status == 202 and body["status"] == "queued"  # no worker runs yet
        time.sleep(3)
        assert _ask(served, path)[1]["status"] == "queued"
        with celery_worker(settings, tmp_path / "worker") as worker_log:
            image = _until_ready(served, path)["image"]
            assert image["mode"] == "pixels" and image["evaluations"] == 100
            assert "vitrine.explain_pixels" in worker_log.read_text()
