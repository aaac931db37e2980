"""Audit-trail queries from user input (page and API alike), and the CSV export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from sqlalchemy.orm import Session

from dashboard.services.query_fields import CategoryName, SortedQuery
from dashboard.services.reviews import review_dict
from dashboard.services.state import Services
from db.models import Prediction, Review, ShadowAnswer
from db.repo_export import copy_csv, supports_copy
from db.repo_predictions import (
    REVIEW_COLUMNS,
    SHADOW_COLUMNS,
    SORTABLE,
    PredictionFilter,
    count_predictions,
    page_predictions,
    stream_predictions,
    totals,
)
from db.repo_reviews import latest_reviews_of
from db.repo_shadow import shadow_answers_of
from ml.categories import CATEGORIES

# Output name -> table column, for the JSON rows and the first CSV columns alike.
_SCALARS = (
    ("prediction_id", "id"),
    ("created_at", "created_at"),
    ("request_id", "request_id"),
    ("source", "source"),
    ("username", "username"),
    ("model", "model_name"),
    ("model_version", "model_version"),
    ("product_id", "product_uniq_id"),
    ("category", "category"),
    ("confidence", "confidence"),
    ("fallback", "fallback"),
    ("needs_review", "needs_review"),
    ("review_reasons", "review_reasons"),
    ("latency_ms", "latency_ms"),
    ("image_sha256", "image_sha256"),
    ("text_sha256", "text_sha256"),
    ("text_length", "text_length"),
)
# Columns added later come last (the newest review, then the shadow's answer), so the earlier
# columns keep their places.
CSV_COLUMNS = [
    *(name for name, _ in _SCALARS),
    *(f"p_{c}" for c in CATEGORIES),
    "drift_features",
    *REVIEW_COLUMNS,
    *SHADOW_COLUMNS,
]
# Only these can start like a spreadsheet formula (request and product ids, usernames and
# comments may begin with "-"); every other cell is a number, a fixed word, a hash or JSON.
_FREE_TEXT = frozenset(("request_id", "product_id", "username", "reviewed_by", "review_comment"))
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class AuditQuery(SortedQuery):
    """Filters, sort and page of the audit trail, as given in a URL query."""

    since: date | datetime | None = Field(None, description="From this date or time (UTC).")
    until: date | datetime | None = Field(
        None, description="Up to this time (UTC); a date includes that whole day."
    )
    category: CategoryName | None = None
    model: str | None = Field(None, description="Model name, e.g. fusion.")
    model_version: int | None = Field(None, ge=1, le=2**31 - 1)
    source: Literal["ui", "api", "batch"] | None = None
    min_confidence: float | None = Field(None, ge=0, le=1)
    max_confidence: float | None = Field(None, ge=0, le=1)
    fallback: bool | None = None
    needs_review: bool | None = None
    sort: str = Field("-created_at", description="A column, prefixed with - for descending.")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(25, ge=1, le=500)
    format: Literal["json", "csv"] = "json"

    @field_validator("since", "until")
    @classmethod
    def _in_utc(cls, value: date | datetime | None) -> date | datetime | None:
        """Times as UTC (PostgreSQL refuses offsets beyond 15:59, Python allows up to 23:59),
        and only days whose end a datetime can hold."""
        try:
            if isinstance(value, datetime):
                utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value
                return utc.astimezone(UTC)
            if value is not None:
                datetime.combine(value, time.min, tzinfo=UTC) + timedelta(days=1)
        except OverflowError as exc:
            raise ValueError("a time between the years 1 and 9999") from exc
        return value

    @field_validator("sort")
    @classmethod
    def _sortable(cls, value: str) -> str:
        if value.lstrip("-") not in SORTABLE:
            raise ValueError(f"sort by one of: {', '.join(SORTABLE)} (prefix - to reverse)")
        return value

    @model_validator(mode="after")
    def _ranges(self) -> AuditQuery:
        low, high = self.min_confidence, self.max_confidence
        if low is not None and high is not None and low > high:
            raise ValueError("min_confidence is above max_confidence")
        return self

    def filters(self) -> PredictionFilter:
        return PredictionFilter(
            since=_instant(self.since, end=False),
            until=_instant(self.until, end=True),
            category=self.category,
            model=self.model,
            model_version=self.model_version,
            source=self.source,
            min_confidence=self.min_confidence,
            max_confidence=self.max_confidence,
            fallback=self.fallback,
            needs_review=self.needs_review,
        )


def _instant(value: date | datetime | None, *, end: bool) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    start = datetime.combine(value, time.min, tzinfo=UTC)
    return start + timedelta(days=1) if end else start


@dataclass(frozen=True)
class AuditPage:
    total: int  # predictions matching the filter
    rows: list[Prediction]  # the query's page of them, in its order
    summary: dict[str, Any] | None  # totals over every match (when asked for)
    reviews: dict[int, Review]  # the newest review of each row that has one
    shadows: dict[int, ShadowAnswer]  # the shadow version's answer to each row that has one


def audit_page(services: Services, query: AuditQuery, *, summary: bool = False) -> AuditPage:
    """One page of the audit trail, as the Audit page and GET /api/audit/predictions show it."""
    filters = query.filters()
    with services.sessions() as session:
        rows = page_predictions(
            session,
            filters,
            sort=query.sort_column,
            descending=query.descending,
            page=query.page,
            page_size=query.page_size,
        )
        return AuditPage(
            total=count_predictions(session, filters),
            rows=rows,
            summary=totals(session, filters) if summary else None,
            reviews=latest_reviews_of(session, [r.id for r in rows]),
            shadows=shadow_answers_of(session, [r.id for r in rows]),
        )


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading quote (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _utc_text(moment: datetime) -> str:
    # SQLite hands back naive times (stored as UTC), PostgreSQL the session's zone: say UTC.
    aware = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.isoformat()


def _scalars(get: Callable[[str], Any]) -> dict[str, Any]:
    record = {name: get(column) for name, column in _SCALARS}
    if record["created_at"] is not None:
        record["created_at"] = _utc_text(record["created_at"])
    return record


def shadow_dict(answer: ShadowAnswer) -> dict[str, Any]:
    return {
        "model": answer.model_name,
        "version": answer.model_version,
        "category": answer.category,
        "confidence": answer.confidence,
        "probabilities": answer.probabilities,
        "needs_review": answer.needs_review,
        "prediction_set": answer.prediction_set,
        "review_reasons": answer.review_reasons,
    }


def row_dict(
    row: Prediction, review: Review | None = None, shadow: ShadowAnswer | None = None
) -> dict[str, Any]:
    return {
        **_scalars(lambda column: getattr(row, column)),
        "probabilities": row.probabilities,
        "prediction_set": row.prediction_set,
        "drift_features": row.drift_features,
        "latest_review": review_dict(review) if review else None,
        "shadow_answer": shadow_dict(shadow) if shadow else None,
    }


def export_csv(session: Session, query: AuditQuery, *, copy: bool | None = None) -> Iterator[bytes]:
    """The filtered audit trail as CSV chunks, in the query's order, at flat memory.

    PostgreSQL writes the rows itself (COPY, several times faster); elsewhere, or with
    copy=False, they are formatted here row by row. Both give the same header and values.
    """
    use_copy = supports_copy(session) if copy is None else copy
    if not use_copy:
        rows = stream_predictions(
            session, query.filters(), sort=query.sort_column, descending=query.descending
        )
        for chunk in csv_lines(rows):
            yield chunk.encode()
        return
    yield _header().encode()
    yield from copy_csv(
        session,
        query.filters(),
        columns=[column for _, column in _SCALARS],
        probability_keys=CATEGORIES,
        formula_guarded={column for name, column in _SCALARS if name in _FREE_TEXT}
        | (_FREE_TEXT & set(REVIEW_COLUMNS)),
        formula_start=_FORMULA_START,
        sort=query.sort_column,
        descending=query.descending,
    )


def _header() -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(CSV_COLUMNS)
    return buffer.getvalue()


def csv_lines(rows: Iterable[Mapping[Any, Any]], batch: int = 1000) -> Iterator[str]:
    """The header, then the rows as CSV, `batch` lines per chunk, produced as rows arrive.

    `rows` are column mappings (db.repo_predictions.stream_predictions).
    """
    buffer = io.StringIO()
    # Unix line ends, like PostgreSQL's COPY: one export looks the same from either path.
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield _header()
    pending = 0
    for row in rows:
        record = _scalars(row.__getitem__)
        values = [safe_cell(v) if k in _FREE_TEXT else v for k, v in record.items()]
        probabilities = row["probabilities"] or {}
        values += [probabilities.get(c) for c in CATEGORIES]
        values.append(json.dumps(row["drift_features"] or {}, sort_keys=True))
        for name in REVIEW_COLUMNS:
            value = row[name]
            if isinstance(value, datetime):
                value = _utc_text(value)
            values.append(safe_cell(value) if name in _FREE_TEXT else value)
        values += [row[name] for name in SHADOW_COLUMNS]
        writer.writerow(values)
        pending += 1
        if pending == batch:
            yield flush()
            pending = 0
    if pending:
        yield flush()
