"""The audit trail: predictions are only ever inserted and read, never updated or deleted."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, RowMapping, Select, Subquery, func, select
from sqlalchemy.orm import Session

from db.models import Prediction, ShadowAnswer
from db.repo_reviews import latest_reviews

# The newest review of a prediction, as export columns: name -> column of the reviews table.
REVIEW_COLUMNS = {
    "review_decision": "decision",
    "reviewed_category": "category",
    "reviewed_by": "username",
    "reviewed_at": "created_at",
    "review_comment": "comment",
}
# The answer of the version in shadow, as export columns: name -> column of shadow_answers.
SHADOW_COLUMNS = {
    "shadow_model": "model_name",
    "shadow_version": "model_version",
    "shadow_category": "category",
    "shadow_confidence": "confidence",
}
SORTABLE = {
    "created_at": Prediction.created_at,
    "confidence": Prediction.confidence,
    "category": Prediction.category,
    "latency_ms": Prediction.latency_ms,
    "model": Prediction.model_name,
    "source": Prediction.source,
}


@dataclass(frozen=True)
class PredictionFilter:
    """Every filter of the audit page and API; None means "any"."""

    since: datetime | None = None
    until: datetime | None = None
    category: str | None = None
    model: str | None = None
    model_version: int | None = None
    source: str | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None
    fallback: bool | None = None
    needs_review: bool | None = None

    def apply(self, stmt: Select) -> Select:  # type: ignore[type-arg]
        conditions = []
        if self.since is not None:
            conditions.append(Prediction.created_at >= self.since)
        if self.until is not None:
            conditions.append(Prediction.created_at < self.until)
        if self.category is not None:
            conditions.append(Prediction.category == self.category)
        if self.model is not None:
            conditions.append(Prediction.model_name == self.model)
        if self.model_version is not None:
            conditions.append(Prediction.model_version == self.model_version)
        if self.source is not None:
            conditions.append(Prediction.source == self.source)
        if self.min_confidence is not None:
            conditions.append(Prediction.confidence >= self.min_confidence)
        if self.max_confidence is not None:
            conditions.append(Prediction.confidence <= self.max_confidence)
        if self.fallback is not None:
            conditions.append(Prediction.fallback.is_(self.fallback))
        if self.needs_review is not None:
            conditions.append(Prediction.needs_review.is_(self.needs_review))
        return stmt.where(*conditions) if conditions else stmt


def record_prediction(session: Session, **fields: Any) -> Prediction:
    row = Prediction(**fields)
    session.add(row)
    session.flush()
    return row


def get_prediction(session: Session, prediction_id: int) -> Prediction | None:
    return session.get(Prediction, prediction_id)


def count_predictions(session: Session, filters: PredictionFilter | None = None) -> int:
    stmt = select(func.count()).select_from(Prediction)
    return session.scalar((filters or PredictionFilter()).apply(stmt)) or 0


def ordered_predictions(
    filters: PredictionFilter,
    sort: str,
    descending: bool,
    *,
    columns: Sequence[ColumnElement[Any]] | None = None,
    latest: Subquery | None = None,
    shadow: bool = False,
) -> Select:  # type: ignore[type-arg]
    """Matching predictions in page order: ORM objects, or the given `columns` as rows
    (which may name `latest`, db.repo_reviews.latest_reviews(), joined when given, and
    shadow_answers, joined with `shadow`)."""
    column = SORTABLE[sort]
    order = column.desc() if descending else column.asc()
    # The id breaks ties, so pages never overlap or skip rows.
    tie = Prediction.id.desc() if descending else Prediction.id.asc()
    base = select(*columns) if columns is not None else select(Prediction)
    base = base.select_from(Prediction)
    if latest is not None:
        base = base.outerjoin(latest, latest.c.prediction_id == Prediction.id)
    if shadow:
        base = base.outerjoin(ShadowAnswer, ShadowAnswer.prediction_id == Prediction.id)
    return filters.apply(base).order_by(order, tie)


def page_predictions(
    session: Session,
    filters: PredictionFilter,
    *,
    sort: str = "created_at",
    descending: bool = True,
    page: int = 1,
    page_size: int = 25,
) -> list[Prediction]:
    stmt = ordered_predictions(filters, sort, descending)
    stmt = stmt.limit(page_size).offset((page - 1) * page_size)
    return list(session.scalars(stmt))


def stream_predictions(
    session: Session,
    filters: PredictionFilter,
    *,
    sort: str = "created_at",
    descending: bool = True,
    batch: int = 5000,
) -> Iterator[RowMapping]:
    """Every matching row as a mapping of column name to value, with its newest review's
    REVIEW_COLUMNS and its shadow answer's SHADOW_COLUMNS, fetched `batch` at a time (a
    server-side cursor on PostgreSQL): flat memory and no ORM object per row, since an export
    streams millions."""
    # Plain column rows rather than ORM objects: far cheaper per row.
    latest = latest_reviews()
    columns = [
        *Prediction.__table__.columns,
        *(latest.c[column].label(name) for name, column in REVIEW_COLUMNS.items()),
        *(ShadowAnswer.__table__.c[column].label(n) for n, column in SHADOW_COLUMNS.items()),
    ]
    stmt = ordered_predictions(
        filters, sort, descending, columns=columns, latest=latest, shadow=True
    ).execution_options(yield_per=batch)
    yield from session.execute(stmt).mappings()


def totals(session: Session, filters: PredictionFilter) -> dict[str, Any]:
    stmt = filters.apply(
        select(
            func.count(),
            func.avg(Prediction.confidence),
            func.sum(func.cast(Prediction.needs_review, Integer)),
            func.sum(func.cast(Prediction.fallback, Integer)),
            func.min(Prediction.created_at),
            func.max(Prediction.created_at),
        ).select_from(Prediction)
    )
    count, mean_conf, review, fallback, first, last = session.execute(stmt).one()
    by_category: dict[str, int] = {
        category: int(n)
        for category, n in session.execute(
            filters.apply(select(Prediction.category, func.count()).select_from(Prediction))
            .group_by(Prediction.category)
            .order_by(Prediction.category)
        ).tuples()
    }
    return {
        "count": int(count or 0),
        "mean_confidence": float(mean_conf or 0.0),
        "needs_review": int(review or 0),
        "fallback": int(fallback or 0),
        "first": first,
        "last": last,
        "by_category": by_category,
    }


@dataclass(frozen=True)
class DriftRow:
    category: str
    features: dict[str, float]
    source: str
    created_at: datetime


def drift_window_rows(
    session: Session,
    *,
    sources: Sequence[str],
    since: datetime | None,
    until: datetime | None,
    limit: int,
    never: Sequence[str] = (),
) -> list[DriftRow]:
    """The newest `limit` predictions from `sources` in [since, until), leaving out those
    whose request id is in `never` (the reference itself, scored by the demo)."""
    stmt = PredictionFilter(since=since, until=until).apply(
        select(
            Prediction.category,
            Prediction.drift_features,
            Prediction.source,
            Prediction.created_at,
        )
    )
    stmt = stmt.where(Prediction.source.in_(list(sources)))
    if never:
        stmt = stmt.where(Prediction.request_id.not_in(list(never)))
    stmt = stmt.order_by(Prediction.created_at.desc(), Prediction.id.desc()).limit(limit)
    return [DriftRow(c, f, s, t) for c, f, s, t in session.execute(stmt)]


def mean_confidence_by_product(session: Session) -> dict[str, float]:
    stmt = (
        select(Prediction.product_uniq_id, func.avg(Prediction.confidence))
        .where(Prediction.product_uniq_id.is_not(None))
        .group_by(Prediction.product_uniq_id)
    )
    return {pid: float(c) for pid, c in session.execute(stmt)}


def latest_prediction_ids(
    session: Session, product_ids: Sequence[str], *, user_id: int | None = None
) -> dict[str, int]:
    """The newest recorded prediction of each catalogue product (of `user_id`'s, if given)."""
    if not product_ids:
        return {}
    stmt = (
        select(Prediction.product_uniq_id, func.max(Prediction.id))
        .where(Prediction.product_uniq_id.in_(list(product_ids)))
        .group_by(Prediction.product_uniq_id)
    )
    if user_id is not None:
        stmt = stmt.where(Prediction.user_id == user_id)
    return {str(uniq_id): int(newest) for uniq_id, newest in session.execute(stmt)}
