"""The audit trail: predictions are only ever inserted and read, never updated or deleted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Prediction


def record_prediction(session: Session, **fields: Any) -> Prediction:
    row = Prediction(**fields)
    session.add(row)
    session.flush()
    return row


def get_prediction(session: Session, prediction_id: int) -> Prediction | None:
    return session.get(Prediction, prediction_id)


def count_predictions(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Prediction)) or 0
