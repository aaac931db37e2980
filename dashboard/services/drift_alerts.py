"""Drift alerts: when a drift check finds dataset drift, POST a JSON alert to the configured
webhook (retried on connection errors and 429/5xx answers), and record what happened either
way, so the Drift page can say whether anyone was told.

`check_drift` is the scheduled job: `vitrine drift --every`, or Celery beat with Redis.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import urllib3
from urllib3.util.retry import Retry

from dashboard.services.drift import DriftWindow, StoredDrift, run_and_store
from dashboard.services.state import Services
from db.engine import session_scope
from db.repo_drift import add_drift_alert, recent_drift_alerts

ATTEMPTS = 3
RETRY_ON = (429, 500, 502, 503, 504)
BACKOFF_S = 2.0  # waits 0, 4 s between the three attempts (urllib3's exponential backoff)
TIMEOUT = urllib3.Timeout(connect=5, read=10)


@dataclass(frozen=True)
class AlertOutcome:
    target: str  # scheme and host: where it went, without a secret path
    sent: bool
    attempts: int
    http_status: int | None
    error: str | None

    def describe(self) -> str:
        if self.sent:
            return f"alert sent to {self.target} (HTTP {self.http_status}, attempt {self.attempts})"
        return f"alert to {self.target} failed after {self.attempts} attempts: {self.error}"


@dataclass(frozen=True)
class DriftCheck:
    stored: StoredDrift
    alert: AlertOutcome | None  # None: no drift, or no webhook configured


def target_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")


def report_url(services: Services, report_id: int) -> str:
    path = f"/api/audit/drift-report?format=html&id={report_id}"
    return (services.settings.public_url or "") + path


def alert_body(services: Services, stored: StoredDrift) -> dict[str, Any]:
    summary = stored.result.summary
    embedding = summary.get("embedding_drift")
    return {
        "event": "vitrine.drift",
        "verdict": "drift" if stored.result.dataset_drift else "no drift",
        "report_id": stored.report_id,
        "dataset_drift": stored.result.dataset_drift,
        "drifted_columns": [c["column"] for c in summary["columns"] if c["drifted"]],
        "embedding_drift": None if not embedding else bool(embedding["drifted"]),
        "window": stored.window.as_json(),
        "report_url": report_url(services, stored.report_id),
        "sent_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def send_alert(
    services: Services, stored: StoredDrift, backoff_s: float = BACKOFF_S
) -> AlertOutcome:
    """POST the alert of `stored` to the webhook and record the outcome."""
    url = services.settings.drift_webhook_url
    assert url is not None
    retry = Retry(
        total=ATTEMPTS - 1,
        status_forcelist=RETRY_ON,
        allowed_methods={"POST"},
        backoff_factor=backoff_s,
        raise_on_status=False,
        respect_retry_after_header=False,  # a receiver's Retry-After must not stall the check
    )
    body = json.dumps(alert_body(services, stored)).encode()
    status: int | None = None
    error: str | None = None
    try:
        response = urllib3.PoolManager(timeout=TIMEOUT).request(
            "POST",
            url,
            body=body,
            headers={"Content-Type": "application/json", "User-Agent": "Vitrine drift alert"},
            retries=retry,
            redirect=False,
        )
        status = response.status
        attempts = len(response.retries.history) + 1 if response.retries else 1
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except urllib3.exceptions.MaxRetryError as exc:
        attempts, error = ATTEMPTS, f"no answer: {_plain(exc.reason)}"
    except urllib3.exceptions.HTTPError as exc:
        attempts, error = 1, f"no answer: {_plain(exc)}"
    outcome = AlertOutcome(target_of(url), error is None, attempts, status, error)
    with session_scope(services.sessions) as session:
        add_drift_alert(
            session,
            drift_report_id=stored.report_id,
            target=outcome.target,
            status="sent" if outcome.sent else "failed",
            attempts=outcome.attempts,
            http_status=outcome.http_status,
            error=outcome.error,
        )
    return outcome


def _plain(reason: object) -> str:
    """urllib3's reason without the connection object's repr: "Connection refused",
    "Read timed out. (read timeout=10)"."""
    return str(reason).rsplit(": ", 1)[-1].split("] ", 1)[-1][:300]


def check_drift(services: Services, window: DriftWindow | None = None) -> DriftCheck:
    """One drift check: the report, then an alert when it found drift and a webhook is set.
    Raises TooFewRows when the window is too small, as `run_and_store` does."""
    stored = run_and_store(services, window)
    alert = None
    if stored.result.dataset_drift and services.settings.drift_webhook_url:
        alert = send_alert(services, stored)
    return DriftCheck(stored, alert)


def latest_alerts(services: Services, limit: int = 10) -> list[Any]:
    with session_scope(services.sessions) as session:
        rows = recent_drift_alerts(session, limit)
        session.expunge_all()
    return rows
