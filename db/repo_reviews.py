"""Reviews: people's decisions, only ever inserted and read (revision 0010's triggers refuse
the rest), and the newest decision about each prediction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Subquery, case, func, select
from sqlalchemy.orm import Session, aliased

from db.models import Prediction, Review


@dataclass(frozen=True)
class ReviewFilter:
    """The filters of GET /api/reviews; None means "any"."""

    subject: str | None = None
    prediction_id: int | None = None
    product_uniq_id: str | None = None
    username: str | None = None
    decision: str | None = None
    since: datetime | None = None

    def apply(self, stmt: Select) -> Select:  # type: ignore[type-arg]
        conditions = []
        if self.subject is not None:
            conditions.append(Review.subject == self.subject)
        if self.prediction_id is not None:
            conditions.append(Review.prediction_id == self.prediction_id)
        if self.product_uniq_id is not None:
            conditions.append(Review.product_uniq_id == self.product_uniq_id)
        if self.username is not None:
            conditions.append(Review.username == self.username)
        if self.decision is not None:
            conditions.append(Review.decision == self.decision)
        if self.since is not None:
            conditions.append(Review.created_at >= self.since)
        return stmt.where(*conditions) if conditions else stmt


def add_review(session: Session, **fields: Any) -> Review:
    row = Review(**fields)
    session.add(row)
    session.flush()
    return row


def page_reviews(
    session: Session, filters: ReviewFilter, *, page: int = 1, page_size: int = 50
) -> tuple[int, list[Review]]:
    """How many reviews match, and one page of them, newest first."""
    total = session.scalar(filters.apply(select(func.count()).select_from(Review))) or 0
    stmt = filters.apply(select(Review)).order_by(Review.id.desc())
    rows = list(session.scalars(stmt.limit(page_size).offset((page - 1) * page_size)))
    return int(total), rows


def latest_reviews(subject: str = "prediction") -> Subquery:
    """The newest review of each reviewed prediction (or, with subject="product", of each
    catalogue label), as a subquery to outer-join on `prediction_id` (`product_uniq_id`)."""
    key = Review.prediction_id if subject == "prediction" else Review.product_uniq_id
    newest = (
        select(func.max(Review.id).label("review_id"))
        .where(Review.subject == subject)
        .group_by(key)
        .subquery(f"newest_{subject}_reviews")
    )
    return (
        select(Review)
        .join(newest, Review.id == newest.c.review_id)
        .subquery(f"latest_{subject}_reviews")
    )


def latest_reviews_of(session: Session, prediction_ids: Sequence[int]) -> dict[int, Review]:
    """The newest review of each of these predictions that has one."""
    if not prediction_ids:
        return {}
    newest = (
        select(func.max(Review.id))
        .where(Review.prediction_id.in_(list(prediction_ids)))
        .group_by(Review.prediction_id)
    )
    rows = session.scalars(select(Review).where(Review.id.in_(newest)))
    return {int(r.prediction_id): r for r in rows if r.prediction_id is not None}


@dataclass(frozen=True)
class Agreement:
    """Reviewed predictions of one model version and predicted category, and how many of
    them people confirmed."""

    model_name: str
    model_version: int
    category: str
    reviewed: int
    confirmed: int


def agreement(session: Session) -> list[Agreement]:
    """Per model version and predicted category: the predictions whose newest review exists,
    and those whose newest review kept the model's category."""
    latest = aliased(Review, latest_reviews())
    stmt = (
        select(
            Prediction.model_name,
            Prediction.model_version,
            Prediction.category,
            func.count(),
            func.sum(case((latest.category == Prediction.category, 1), else_=0)),
        )
        .join(latest, latest.prediction_id == Prediction.id)
        .group_by(Prediction.model_name, Prediction.model_version, Prediction.category)
        .order_by(Prediction.model_name, Prediction.model_version, Prediction.category)
    )
    return [
        Agreement(str(name), int(version), str(category), int(n), int(kept or 0))
        for name, version, category, n, kept in session.execute(stmt)
    ]


def label_decisions(session: Session) -> dict[str, str]:
    """Catalogue product -> the category its newest label review decided."""
    latest = latest_reviews("product")
    rows = session.execute(select(latest.c.product_uniq_id, latest.c.category))
    return {str(uid): str(category) for uid, category in rows}


def reviewed_predictions(session: Session) -> list[tuple[Prediction, Review]]:
    """Every reviewed prediction with its newest review, oldest prediction first."""
    latest = aliased(Review, latest_reviews())
    stmt = (
        select(Prediction, latest)
        .join(latest, latest.prediction_id == Prediction.id)
        .order_by(Prediction.id)
    )
    return [(p, r) for p, r in session.execute(stmt).tuples()]
