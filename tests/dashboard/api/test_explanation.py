"""GET /api/predictions/{id}/explanation on a real recorded prediction."""

from __future__ import annotations

import io
import math
import os
import signal
import subprocess
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from dashboard.web import pixel_jobs
from dashboard.web.app import create_app
from dashboard.web.context import services as services_of


def _predict(app: Flask, index: int = 0, note: str = "") -> dict[str, Any]:
    """Predict test product `index`; a `note` added to its text makes its explanations its own
    (they are cached by image and text across the tests sharing `trained_settings`)."""
    data = catalogue_data(services_of(app))
    i = int(data.index("test")[index])
    answer = app.test_client().post(
        "/api/predict",
        data={
            "image": (io.BytesIO(data.image_paths[i].read_bytes()), "p.jpg"),
            "text": f"{data.texts[i] or 'product'} {note}".strip(),
        },
    )
    assert answer.status_code == 200
    return dict(answer.get_json())


def _until_ready(client: FlaskClient, url: str) -> Any:
    """Ask again as a client would, after the Retry-After the 202s give."""
    deadline = time.monotonic() + 240
    while True:
        answer = client.get(url)
        if answer.status_code != 202:
            return answer
        assert time.monotonic() < deadline, "the pixel map never became ready"
        time.sleep(int(answer.headers["Retry-After"]))


def test_explanation_of_a_recorded_prediction(trained_settings: Settings) -> None:
    app = create_app(trained_settings)
    client = app.test_client()
    predicted = _predict(app)
    url = f"/api/predictions/{predicted['prediction_id']}/explanation"
    body = client.get(url).get_json()
    image = body["image"]
    assert body["target"] == predicted["category"] and image["mode"] == "cells"
    grid = image["grid"]
    assert len(grid) == 7 and all(len(row) == 7 for row in grid)
    total = image["base_value"] + sum(map(sum, grid))
    assert abs(total - image["output_value"]) < 1e-4  # the attributions add up
    # ...to the log-odds of the served probability, up to the int8 backbone's rounding of the
    # cell features.
    assert abs(1 / (1 + math.exp(-total)) - body["probabilities"][body["target"]]) < 0.02
    assert abs(sum(image["quadrant_shares"].values()) - 1) < 1e-6
    assert body["text"]["tokens"] and image["summary"].startswith("The ")

    other = next(c for c in body["probabilities"] if c != body["target"])
    chosen = client.get(f"{url}?target={other}").get_json()
    assert chosen["target"] == other

    assert client.get(f"{url}?mode=fast").status_code == 422
    assert client.get(f"{url}?target=Toys").status_code == 422
    assert client.get("/api/predictions/99999999/explanation").status_code == 404


def test_a_pixel_map_is_computed_in_the_background_and_polled(trained_settings: Settings) -> None:
    app = create_app(trained_settings)
    client = app.test_client()
    predicted = _predict(app, 1)
    url = f"/api/predictions/{predicted['prediction_id']}/explanation?mode=pixels&max_evals=100"
    first = client.get(url)
    # Answered at once: the request thread only queues the job.
    assert first.status_code == 202
    assert first.headers["Retry-After"] == "2" and first.headers["Location"] == url
    body = first.get_json()
    assert body["status"] in ("queued", "running") and body["started_now"] is True
    assert body["total"] == 100
    again = client.get(url).get_json()
    assert again["started_now"] is False  # the same job, not a second one
    ready = _until_ready(client, url)
    assert ready.status_code == 200
    image = ready.get_json()["image"]
    assert image["mode"] == "pixels" and image["evaluations"] == 100
    assert abs(image["base_value"] + sum(map(sum, image["grid"])) - image["output_value"]) < 1e-3
    assert pixel_jobs.job_state(app, _key(app, predicted["prediction_id"])) is None


def _key(app: Flask, prediction_id: int, max_evals: int = 100) -> str:
    from dashboard.services.explain import find_explanation

    with app.app_context():
        lookup = find_explanation(services_of(app), prediction_id, pixels=True, max_evals=max_evals)
        return lookup.key


def test_a_failed_pixel_job_is_reported_once_then_tried_again(
    trained_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.services.prediction import ModelsNotReady

    def unavailable(*_args: Any, **_kwargs: Any) -> None:
        raise ModelsNotReady

    app = create_app(trained_settings)
    client = app.test_client()
    prediction_id = _predict(app, 2)["prediction_id"]
    url = f"/api/predictions/{prediction_id}/explanation?mode=pixels&max_evals=100"
    # The job itself, run here where the patch holds, as a worker would run it.
    monkeypatch.setattr(pixel_jobs, "explain_prediction", unavailable)
    job = pixel_jobs.PixelJob(_key(app, prediction_id), prediction_id, None, 100, None)
    pixel_jobs.compute(app, job)
    monkeypatch.undo()
    failed = client.get(url)
    assert failed.status_code == 503
    assert failed.get_json()["error"] == {
        "code": "models_not_ready",
        "message": str(ModelsNotReady()),
        "details": {},
    }
    retried = client.get(url)  # reported once: the next request starts it again
    assert retried.status_code == 202 and retried.get_json()["started_now"] is True
    assert _until_ready(client, url).status_code == 200


def test_a_killed_job_process_is_a_json_503_not_a_wait_for_ever(trained_settings: Settings) -> None:
    app = create_app(trained_settings.model_copy(update={"explain_max_evals": 2000}))
    client = app.test_client()
    prediction_id = _predict(app, 7)["prediction_id"]
    url = f"/api/predictions/{prediction_id}/explanation?mode=pixels&max_evals=2000"
    assert client.get(url).get_json()["started_now"] is True
    key = pixel_jobs.STATE_PREFIX + _key(app, prediction_id, 2000)
    deadline = time.monotonic() + 120
    # Killed as the kernel's out-of-memory killer would, once it runs.
    while (state := services_of(app).results.get(key)) and state["status"] != "running":
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.2)
    assert state and state["pid"] != os.getpid()  # its own process, not this one
    os.kill(state["pid"], signal.SIGKILL)
    crashed = _until_ready(client, url)
    assert crashed.status_code == 503
    assert crashed.get_json()["error"]["code"] == "explanation_failed"
    assert client.get(url).get_json()["started_now"] is True  # and asked again, it restarts


def test_only_fresh_explanations_spend_the_budget(trained_settings: Settings) -> None:
    app = create_app(trained_settings.model_copy(update={"explain_rate_limit": "2/minute"}))
    client = app.test_client()
    # Notes: no other test may have left these maps in the shared cache.
    first = _predict(app, 3, "budget one")["prediction_id"]
    second = _predict(app, 4, "budget two")["prediction_id"]
    pixels = "/explanation?mode=pixels&max_evals=50"
    one = f"/api/predictions/{first}{pixels}"
    assert client.get(one).get_json()["started_now"] is True  # 1 of 2
    for _ in range(3):  # polls of the running job are free...
        assert client.get(one).status_code in (200, 202)
    assert _until_ready(client, one).status_code == 200
    for _ in range(3):  # ...and so is the finished map, from the cache
        assert client.get(one).get_json()["cached"] is True
    assert client.get(f"/api/predictions/{first}/explanation").get_json()["cached"] is False
    refused = client.get(f"/api/predictions/{second}{pixels}")  # a third fresh one
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1


def test_pixel_jobs_answer_503_while_redis_is_down(trained_settings: Settings) -> None:
    app = create_app(trained_settings)
    prediction_id = _predict(app, 5)["prediction_id"]
    # The same instance, configured for Redis, with nothing listening there.
    down = create_app(trained_settings.model_copy(update={"cache_url": "redis://127.0.0.1:9/0"}))
    url = f"/api/predictions/{prediction_id}/explanation?mode=pixels&max_evals=50"
    answer = down.test_client().get(url)
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "background_unavailable"
    # Fast maps need no background job: still answered.
    cells = down.test_client().get(f"/api/predictions/{prediction_id}/explanation")
    assert cells.status_code == 200


def test_a_job_whose_process_died_is_started_again(trained_settings: Settings) -> None:
    app = create_app(trained_settings)
    client = app.test_client()
    prediction_id = _predict(app, 6)["prediction_id"]
    url = f"/api/predictions/{prediction_id}/explanation?mode=pixels&max_evals=100"
    gone = subprocess.Popen(["true"])
    gone.wait()
    # As a web worker restarted (or a child killed) mid-job leaves it.
    stale = {"status": "running", "done": 40, "total": 100, "pid": gone.pid}
    services_of(app).results.set(pixel_jobs.STATE_PREFIX + _key(app, prediction_id), stale)
    answer = client.get(url)
    assert answer.status_code == 202 and answer.get_json()["started_now"] is True
    assert _until_ready(client, url).status_code == 200
