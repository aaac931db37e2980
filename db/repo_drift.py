"""Stored drift reports (one row per Evidently run) and the alerts sent for them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import DriftAlert, DriftReport


def add_drift_report(session: Session, **fields: Any) -> DriftReport:
    row = DriftReport(**fields)
    session.add(row)
    session.flush()
    return row


def latest_drift_report(session: Session) -> DriftReport | None:
    stmt = select(DriftReport).order_by(DriftReport.created_at.desc(), DriftReport.id.desc())
    return session.scalars(stmt.limit(1)).first()


def drift_history(session: Session, limit: int = 50) -> list[DriftReport]:
    stmt = select(DriftReport).order_by(DriftReport.created_at.desc(), DriftReport.id.desc())
    return list(reversed(list(session.scalars(stmt.limit(limit)))))


def set_html_path(session: Session, report_id: int, path: str) -> None:
    row = session.get(DriftReport, report_id)
    if row is not None:
        row.html_path = path


def add_drift_alert(session: Session, **fields: Any) -> DriftAlert:
    row = DriftAlert(**fields)
    session.add(row)
    session.flush()
    return row


def recent_drift_alerts(session: Session, limit: int = 10) -> list[DriftAlert]:
    """The newest alerts first."""
    stmt = select(DriftAlert).order_by(DriftAlert.created_at.desc(), DriftAlert.id.desc())
    return list(session.scalars(stmt.limit(limit)))
