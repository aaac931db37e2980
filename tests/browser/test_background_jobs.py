"""The Explain page's pixel-level SHAP map as a background job: in a Celery worker, with progress,
cancel."""

from __future__ import annotations

import os
import time
from pathlib import Path

import psutil
import pytest

from dashboard.services.prediction import predict_and_record
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from dashboard.web.app import create_app
from dashboard.web.pixel_jobs import CELERY_TASK, CHILD_MODULE
from tests.conftest import redis_test_url
from tests.deploy.servers import celery_worker

pytestmark = pytest.mark.browser


def _record(settings: Settings, index: int) -> int:
    services = Services.from_settings(settings)
    data = catalogue_data(services)
    i = int(data.index("test")[index])
    recorded = predict_and_record(
        services,
        data.image_paths[i].read_bytes(),
        data.texts[i],
        source="ui",
        request_id=f"background-{index}",
    )
    services.engine.dispose()
    return recorded.prediction_id


def test_pixel_map_is_computed_by_a_celery_worker(
    dash_duo, trained_settings: Settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings = trained_settings.model_copy(update={"cache_url": redis_test_url(database=13)})
    prediction_id = _record(settings, 3)
    with celery_worker(settings, tmp_path) as worker_log:
        dash_duo.start_server(create_app(settings).extensions["dash"])
        dash_duo.driver.get(f"{dash_duo.server_url}/explain?prediction={prediction_id}")
        dash_duo.wait_for_element(f"#explain-pixels-{prediction_id}-title", timeout=180)
        dash_duo.wait_for_text_to_equal("#explain-pixels-status", "Pixel-level map ready.")
        log = worker_log.read_text()
    assert "succeeded" in log and CELERY_TASK in log, log[-2000:]


def _job_processes() -> list[psutil.Process]:
    """Children of this test process that run a pixel job (without Redis)."""
    me = psutil.Process(os.getpid())
    found = []
    for child in me.children(recursive=True):
        try:
            if CHILD_MODULE in child.cmdline() and child.status() != psutil.STATUS_ZOMBIE:
                found.append(child)
        except psutil.Error:  # it ended while we looked
            continue
    return found


def test_cancel_stops_a_running_pixel_map(dash_duo, trained_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    # A budget big enough that the job is still running when Cancel is pressed.
    settings = trained_settings.model_copy(update={"explain_max_evals": 20_000})
    prediction_id = _record(settings, 4)
    dash_duo.start_server(create_app(settings).extensions["dash"])
    dash_duo.driver.get(f"{dash_duo.server_url}/explain?prediction={prediction_id}")
    dash_duo.wait_for_contains_text(
        "#explain-pixels-progress-text", "of 20000 model evaluations", timeout=180
    )
    assert _job_processes(), "no background process runs the job"
    cancel = dash_duo.find_element("#explain-pixels-cancel")
    assert cancel.get_attribute("disabled") is None
    cancel.click()
    dash_duo.wait_for_text_to_equal(
        "#explain-pixels-status", "Cancelled. Compute again starts it over."
    )
    deadline = time.monotonic() + 15
    while _job_processes() and time.monotonic() < deadline:
        time.sleep(0.3)
    assert not _job_processes(), "the job's process still runs after Cancel"
    assert not dash_duo.driver.find_elements(
        "css selector", f"#explain-pixels-{prediction_id}-title"
    )
    start = dash_duo.find_element("#explain-pixels-start")
    assert start.get_attribute("disabled") is None  # it can be started again
