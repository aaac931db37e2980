"""The review queue: predictions that a person should look at, with their newest review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import Prediction, Review
from db.repo_reviews import latest_reviews

# Why a prediction is in the queue; an item can be there for several reasons.
REASONS = ("needs_review", "low_margin", "fallback")
QUEUE_SORTABLE = {
    "created_at": Prediction.created_at,
    "confidence": Prediction.confidence,
    "margin": Prediction.margin,
    "category": Prediction.category,
}


@dataclass(frozen=True)
class QueueFilter:
    """reason None: any of REASONS; status: unreviewed, reviewed or any."""

    max_margin: float
    reason: str | None = None
    category: str | None = None
    model: str | None = None
    status: str = "unreviewed"

    def reason_condition(self, reason: str) -> ColumnElement[bool]:
        if reason == "needs_review":
            return Prediction.needs_review.is_(True)
        if reason == "low_margin":
            return Prediction.margin < self.max_margin
        if reason == "fallback":
            return Prediction.fallback.is_(True)
        return false()

    def apply(self, stmt: Select, latest: Any, *, reason: bool = True) -> Select:  # type: ignore[type-arg]
        reasons = [self.reason] if self.reason else list(REASONS)
        conditions = [or_(*(self.reason_condition(r) for r in reasons))] if reason else []
        if self.category is not None:
            conditions.append(Prediction.category == self.category)
        if self.model is not None:
            conditions.append(Prediction.model_name == self.model)
        if self.status == "unreviewed":
            conditions.append(latest.id.is_(None))
        elif self.status == "reviewed":
            conditions.append(latest.id.is_not(None))
        return stmt.where(*conditions)


def _joined(stmt: Select) -> tuple[Select, Any]:  # type: ignore[type-arg]
    latest = aliased(Review, latest_reviews())
    return stmt.outerjoin(latest, latest.prediction_id == Prediction.id), latest


def queue_page(
    session: Session,
    filters: QueueFilter,
    *,
    sort: str = "margin",
    descending: bool = False,
    page: int = 1,
    page_size: int = 25,
) -> list[tuple[Prediction, Review | None]]:
    """One page of the queue in the asked order (ties: oldest first), with newest reviews."""
    stmt, latest = _joined(select(Prediction))
    stmt = filters.apply(stmt.add_columns(latest), latest)
    column = QUEUE_SORTABLE[sort]
    order = column.desc() if descending else column.asc()
    stmt = stmt.order_by(order.nulls_last(), Prediction.id.asc())
    stmt = stmt.limit(page_size).offset((page - 1) * page_size)
    return [(p, r) for p, r in session.execute(stmt).tuples()]


def queue_counts(session: Session, filters: QueueFilter) -> dict[str, int]:
    """Items per reason, and in all (an item counts once), within the other filters."""
    stmt, latest = _joined(select(Prediction.id).select_from(Prediction))
    flags = (
        filters.apply(stmt, latest, reason=False)
        .add_columns(*(case((filters.reason_condition(r), 1), else_=0).label(r) for r in REASONS))
        .subquery()
    )
    row = session.execute(
        select(
            *(func.coalesce(func.sum(flags.c[r]), 0) for r in REASONS),
            func.count().filter(or_(*(flags.c[r] == 1 for r in REASONS))),
        )
    ).one()
    return {**{r: int(n) for r, n in zip(REASONS, row[:-1], strict=True)}, "total": int(row[-1])}
