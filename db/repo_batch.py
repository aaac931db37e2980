"""Distributed batch jobs, and the audit rows each one recorded (one per job and product:
revision 0013's unique index)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import BatchJob, Prediction


def add_job(session: Session, **fields: Any) -> BatchJob:
    row = BatchJob(**fields)
    session.add(row)
    session.flush()
    return row


def get_job(session: Session, job_id: str) -> BatchJob | None:
    return session.get(BatchJob, job_id)


def list_jobs(session: Session, *, user_id: int | None = None, limit: int = 50) -> list[BatchJob]:
    """The newest jobs first; only `user_id`'s when given."""
    stmt = select(BatchJob).order_by(BatchJob.created_at.desc()).limit(limit)
    if user_id is not None:
        stmt = stmt.where(BatchJob.user_id == user_id)
    return list(session.scalars(stmt))


def set_state(
    session: Session, job_id: str, state: str, *, finished_at: datetime | None = None
) -> None:
    job = session.get(BatchJob, job_id)
    if job is None:
        raise LookupError(job_id)
    if job.state == "cancelled" and state == "done":
        return  # a cancelled job stays cancelled, whatever finished afterwards
    job.state = state
    job.finished_at = finished_at


def recorded_in_job(
    session: Session, job_id: str, product_ids: Sequence[str]
) -> dict[str, Prediction]:
    """The audit rows the job already holds for these products."""
    if not product_ids:
        return {}
    stmt = select(Prediction).where(
        Prediction.batch_job_id == job_id, Prediction.product_uniq_id.in_(list(product_ids))
    )
    return {row.product_uniq_id or "": row for row in session.scalars(stmt)}


def count_recorded(session: Session, job_id: str) -> int:
    stmt = select(func.count()).select_from(Prediction).where(Prediction.batch_job_id == job_id)
    return int(session.scalar(stmt) or 0)
