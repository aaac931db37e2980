"""The review queue from user input (the Review page's GET form): predictions flagged for
review, near ties and image-only fallbacks, with counts and their newest decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field, field_validator

from dashboard.services.locales import N_
from dashboard.services.query_fields import CategoryName, SortedQuery
from dashboard.services.state import Services
from db.engine import session_scope
from db.models import Prediction, Review
from db.repo_review_queue import QUEUE_SORTABLE, REASONS, QueueFilter, queue_counts, queue_page

# A prediction whose top two probabilities are closer than this is a near tie.
DEFAULT_MAX_MARGIN = 0.2
REASON_LABELS = {
    "needs_review": N_("Flagged for review"),
    "low_margin": N_("Near tie"),
    "fallback": N_("Image-only fallback"),
}
assert set(REASON_LABELS) == set(REASONS)


class QueueQuery(SortedQuery):
    """Filters, sort and page of the queue, as given in the page's URL."""

    # suspect_label lists catalogue products instead (dashboard.services.label_issues).
    reason: Literal["needs_review", "low_margin", "fallback", "suspect_label"] | None = None
    category: CategoryName | None = None
    model: str | None = Field(None, max_length=32)
    status: Literal["unreviewed", "reviewed", "any"] = "unreviewed"
    max_margin: float = Field(DEFAULT_MAX_MARGIN, ge=0, le=1)
    sort: str = "margin"
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=200)

    @field_validator("sort")
    @classmethod
    def _sortable(cls, value: str) -> str:
        if value.lstrip("-") not in QUEUE_SORTABLE:
            raise ValueError(f"sort by one of: {', '.join(QUEUE_SORTABLE)}")
        return value

    def filters(self) -> QueueFilter:
        return QueueFilter(
            max_margin=self.max_margin,
            reason=self.reason,
            category=self.category,
            model=self.model,
            status=self.status,
        )


@dataclass(frozen=True)
class QueueItem:
    prediction: Prediction
    review: Review | None  # its newest review, if any


def reasons_of(prediction: Prediction, max_margin: float) -> list[str]:
    found = []
    if prediction.needs_review:
        found.append("needs_review")
    if prediction.margin is not None and prediction.margin < max_margin:
        found.append("low_margin")
    if prediction.fallback:
        found.append("fallback")
    return found


@dataclass(frozen=True)
class QueuePage:
    counts: dict[str, int]  # per reason and "total", within the other filters
    total: int  # items matching the whole filter
    items: list[QueueItem]


def review_queue(services: Services, query: QueueQuery) -> QueuePage:
    """The counts per reason, and the page of predictions the query asks for (none when it
    asks for suspect catalogue labels, which dashboard.services.label_issues lists)."""
    filters = query.filters()
    labels_only = query.reason == "suspect_label"
    with session_scope(services.sessions) as session:
        counts = queue_counts(session, filters)
        rows = (
            []
            if labels_only
            else queue_page(
                session,
                filters,
                sort=query.sort_column,
                descending=query.descending,
                page=query.page,
                page_size=query.page_size,
            )
        )
        session.expunge_all()
    total = 0 if labels_only else counts[query.reason] if query.reason else counts["total"]
    return QueuePage(counts, total, [QueueItem(p, r) for p, r in rows])
