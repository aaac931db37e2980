"""The drift check on a schedule when Redis is set: the Celery task, and a beat entry every
VITRINE_DRIFT_EVERY that `vitrine worker --beat` sends. Without Redis, `vitrine drift --every`
(or cron) runs the same check."""

from __future__ import annotations

import logging

from celery import Celery
from flask import Flask

from dashboard.services.drift import TooFewRows
from dashboard.services.drift_alerts import check_drift
from dashboard.web.context import services

DRIFT_TASK = "vitrine.drift_check"
log = logging.getLogger(__name__)


def scheduled_check(server: Flask) -> str:
    """The drift check the beat entry sends: the report and, when it finds drift, the alert;
    what happened, in one line for the worker's log."""
    try:
        checked = check_drift(services(server))
    except TooFewRows as exc:  # a quiet spell: nothing to compare yet
        log.info("scheduled drift check skipped: %s", exc)
        return f"skipped: {exc}"
    stored = checked.stored
    said = f"drift report #{stored.report_id}, drift: {stored.result.dataset_drift}"
    if checked.alert is not None:
        said += f"; {checked.alert.describe()}"
    log.info("scheduled %s", said)
    return said


def install(server: Flask, celery: Celery | None) -> None:
    if celery is None:
        return

    def drift_check() -> str:
        return scheduled_check(server)

    celery.task(name=DRIFT_TASK, ignore_result=True)(drift_check)
    interval = services(server).settings.drift_interval
    if interval is not None:
        celery.conf.beat_schedule = {
            "drift-check": {"task": DRIFT_TASK, "schedule": interval.total_seconds()}
        }
