"""Drift alerts (#23 item 3): a check that finds drift POSTs a JSON alert to the webhook, retried
on 5xx, recorded either way and shown on the Drift page; `vitrine drift --every` checks on a
schedule, and with Redis a Celery beat entry sends the same check."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.services.drift import DriftWindow, StoredDrift, run_and_store, simulate
from dashboard.services.drift_alerts import check_drift, latest_alerts, send_alert
from dashboard.services.prediction import predict_and_record
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from dashboard.web.app import create_app
from dashboard.web.background import EXTENSION_KEY
from dashboard.web.drift_schedule import DRIFT_TASK, scheduled_check
from tests.dashboard.api.dash_routing import route_page
from tests.dashboard.cli.test_batch_and_check import _env


@dataclass
class Receiver:
    """A local webhook: answers each POST with the next scripted status (the last one after)."""

    statuses: list[int]
    bodies: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    script = Receiver([200])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            script.bodies.append(json.loads(self.rfile.read(length)))
            status = script.statuses[min(len(script.bodies), len(script.statuses)) - 1]
            self.send_response(status)
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    script.url = f"http://127.0.0.1:{server.server_port}/hooks/secret-token"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield script
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def drifted(trained_settings: Settings) -> tuple[Settings, StoredDrift, datetime]:
    """Test products predicted as they are, then shifted ones, and a drift report of those; the
    time between the two."""
    services = Services.from_settings(trained_settings)
    data = catalogue_data(services)
    for n, i in enumerate(data.index("test")[:40]):
        predict_and_record(
            services, data.image_paths[i].read_bytes(), data.texts[i], source="api",
            request_id=f"calm-{n}",
        )  # fmt: skip
    started = datetime.now(UTC)
    simulate(services, count=40, seed=11)
    stored = run_and_store(services, DriftWindow(since=started))
    assert stored.result.dataset_drift
    services.engine.dispose()
    return trained_settings, stored, started


def _services(settings: Settings, **changes: Any) -> Services:
    return Services.from_settings(settings.model_copy(update=changes))


def test_an_alert_is_posted_with_the_verdict_and_recorded(drifted: Any, receiver: Receiver) -> None:
    settings, stored, _ = drifted
    services = _services(
        settings, drift_webhook_url=receiver.url, public_url="https://vitrine.example"
    )
    outcome = send_alert(services, stored, backoff_s=0)
    assert (outcome.sent, outcome.attempts, outcome.http_status) == (True, 1, 200)
    (body,) = receiver.bodies
    assert body["verdict"] == "drift" and body["report_id"] == stored.report_id
    drifted_names = [c["column"] for c in stored.result.summary["columns"] if c["drifted"]]
    assert body["drifted_columns"] == drifted_names and drifted_names
    assert body["report_url"] == (
        f"https://vitrine.example/api/audit/drift-report?format=html&id={stored.report_id}"
    )
    newest = latest_alerts(services)[0]
    assert (newest.drift_report_id, newest.status, newest.attempts) == (stored.report_id, "sent", 1)
    # Only scheme and host are kept: the path of a webhook is often its secret.
    assert newest.target == receiver.url.split("/hooks")[0] and "secret" not in newest.target


def test_5xx_answers_are_retried_and_a_dead_webhook_is_recorded(
    drifted: Any, receiver: Receiver
) -> None:
    settings, stored, _ = drifted
    services = _services(settings, drift_webhook_url=receiver.url)
    receiver.statuses = [503, 502, 200]
    outcome = send_alert(services, stored, backoff_s=0)
    assert (outcome.sent, outcome.attempts, len(receiver.bodies)) == (True, 3, 3)

    receiver.bodies.clear()
    receiver.statuses = [500]
    failed = send_alert(services, stored, backoff_s=0)
    assert (failed.sent, failed.attempts, failed.http_status) == (False, 3, 500)
    assert len(receiver.bodies) == 3
    nobody = _services(settings, drift_webhook_url="http://127.0.0.1:9/hook")  # nothing listens
    refused = send_alert(nobody, stored, backoff_s=0)
    assert not refused.sent and refused.http_status is None and refused.error
    rows = latest_alerts(services, limit=3)
    assert [r.status for r in rows] == ["failed", "failed", "sent"]

    page = route_page(create_app(settings.model_copy(update={"drift_every": "1h"})).test_client(),
                      "/drift")  # fmt: skip
    assert "Alerts" in page and "Checks run every 1h" in page
    for shown in ("⚠ failed", "✓ sent", "HTTP 500"):
        assert json.dumps(shown)[1:-1] in page, shown  # as the page's JSON spells it


def test_no_alert_without_drift_or_without_a_webhook(drifted: Any, receiver: Receiver) -> None:
    settings, _, started = drifted
    # The last 40 products before the shift, the test split as it is: no drift to report.
    before = DriftWindow(until=started, last=40)
    calm = check_drift(_services(settings, drift_webhook_url=receiver.url), before)
    assert not calm.stored.result.dataset_drift and calm.alert is None
    unset = check_drift(_services(settings), DriftWindow(since=started))
    assert unset.stored.result.dataset_drift and unset.alert is None
    assert receiver.bodies == []


def test_drift_every_checks_on_a_schedule_and_alerts(drifted: Any, receiver: Receiver) -> None:
    settings, _, started = drifted
    env = {**_env(settings), "VITRINE_DRIFT_WEBHOOK_URL": receiver.url}
    since = started.strftime("%Y-%m-%d %H:%M:%S")
    result = CliRunner().invoke(
        main, ["drift", "--since", since, "--every", "1s", "--checks", "2"], env=env
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("Drift check at ") == 2
    assert result.output.count("Webhook: alert sent to http://127.0.0.1:") == 2
    assert len(receiver.bodies) == 2
    bad = CliRunner().invoke(main, ["drift", "--every", "hourly"], env=env)
    assert bad.exit_code == 2 and "90s, 30m, 1h or 1d" in bad.output


def test_with_redis_beat_schedules_the_same_check(
    drifted: Any, receiver: Receiver, redis_url: str
) -> None:
    settings, _, _ = drifted
    app = create_app(
        settings.model_copy(
            update={"cache_url": redis_url, "drift_every": "30m", "drift_webhook_url": receiver.url}
        )
    )
    celery = app.extensions[EXTENSION_KEY]
    assert celery.conf.beat_schedule["drift-check"] == {"task": DRIFT_TASK, "schedule": 1800.0}
    assert DRIFT_TASK in celery.tasks
    # What the task runs in a worker of this app. (Celery keeps the first callable a name was
    # registered with in the process, so the task object itself may be another test's app's.)
    said = scheduled_check(app)
    assert said.startswith("drift report #") and "alert sent" in said
    assert receiver.bodies and receiver.bodies[-1]["verdict"] == "drift"
