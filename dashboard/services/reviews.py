"""Reviews: a person confirms or corrects the category of a prediction or of a catalogue
product. Decisions are only ever added; the newest one about an item is the one that counts.

The Review page, its Dash callbacks and POST /api/reviews all record through `record_review`,
and all need REVIEW_ROLE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from dashboard.services.prediction import Requester, unprintable
from dashboard.services.products import InvalidProductId, UnknownProduct, find_product
from dashboard.services.query_fields import CategoryName, UrlQuery
from dashboard.services.state import Services
from db.engine import session_scope
from db.models import Review
from db.repo_catalogue import get_product
from db.repo_predictions import get_prediction
from db.repo_reviews import Agreement, ReviewFilter, add_review, agreement, page_reviews
from ml.wording import Phrase

REVIEW_ROLE = "auditor"
MAX_COMMENT = 1000
MAX_ID = 2**31 - 1  # as the API's other ids
DECISIONS = ("confirm", "correct")


class ReviewRejected(ValueError):
    """The decision contradicts what it is about (a correction to the category shown)."""


class UnknownSubject(LookupError):
    """No prediction or catalogue product has this id."""


class ReviewIn(BaseModel):
    """One decision: about a prediction (`prediction_id`) or a catalogue label (`product_id`)."""

    model_config = {"extra": "forbid"}

    prediction_id: int | None = Field(None, ge=1, le=MAX_ID)
    product_id: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    decision: Literal["confirm", "correct"]
    category: CategoryName | None = Field(
        None, description="The right category; needed to correct, optional to confirm."
    )
    comment: str | None = Field(None, max_length=MAX_COMMENT)

    @field_validator("comment")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is not None and unprintable(value):
            raise ValueError("the comment holds control characters")
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _one_subject(self) -> ReviewIn:
        if (self.prediction_id is None) == (self.product_id is None):
            raise ValueError("give either prediction_id or product_id")
        if self.decision == "correct" and self.category is None:
            raise ValueError("a correction needs the right category")
        return self


@dataclass(frozen=True)
class Shown:
    """What the reviewer was deciding about."""

    subject: str
    category: str
    confidence: float | None = None
    model_name: str | None = None
    model_version: int | None = None


def record_review(services: Services, body: ReviewIn, by: Requester | None) -> Review:
    """Add the decision; UnknownSubject or ReviewRejected leave nothing recorded."""
    with session_scope(services.sessions) as session:
        if body.prediction_id is not None:
            prediction = get_prediction(session, body.prediction_id)
            if prediction is None:
                raise UnknownSubject(
                    Phrase("No prediction has the number %(id)s.", id=body.prediction_id)
                )
            shown = Shown(
                "prediction",
                prediction.category,
                prediction.confidence,
                prediction.model_name,
                prediction.model_version,
            )
            product_id = prediction.product_uniq_id
        else:
            assert body.product_id is not None
            try:
                product = find_product(services, body.product_id)
            except (InvalidProductId, UnknownProduct) as exc:
                raise UnknownSubject(str(exc)) from exc
            shown = Shown("product", product.category)
            product_id = product.uniq_id
        decided = body.category or shown.category
        if body.decision == "confirm" and decided != shown.category:
            raise ReviewRejected(
                Phrase(
                    "Confirming keeps %(shown)s; to choose %(decided)s, correct instead.",
                    shown=shown.category,
                    decided=decided,
                )
            )
        if body.decision == "correct" and decided == shown.category:
            raise ReviewRejected(
                Phrase(
                    "A correction names a category other than the one shown (%(decided)s).",
                    decided=decided,
                )
            )
        review = add_review(
            session,
            created_at=datetime.now(UTC),
            user_id=by.user_id if by else None,
            username=by.username if by else None,
            subject=shown.subject,
            prediction_id=body.prediction_id,
            product_uniq_id=product_id,
            model_name=shown.model_name,
            model_version=shown.model_version,
            shown_category=shown.category,
            shown_confidence=shown.confidence,
            decision=body.decision,
            category=decided,
            comment=body.comment,
        )
        session.expunge(review)
        return review


def choose_category(
    services: Services,
    subject: Literal["prediction", "product"],
    key: int | str,
    category: str,
    comment: str | None,
    by: Requester | None,
) -> Review:
    """The Review page's buttons: choosing the category shown (the prediction's answer, the
    product's label) confirms it, any other corrects it. ValidationError for a bad comment or
    category; UnknownSubject, ReviewRejected as `record_review`."""
    with session_scope(services.sessions) as session:
        if subject == "prediction":
            prediction = get_prediction(session, int(key))
            shown = prediction.category if prediction else None
        else:
            product = get_product(session, str(key))
            shown = product.category if product else None
    decision: Literal["confirm", "correct"] = "confirm" if category == shown else "correct"
    body = ReviewIn.model_validate(
        {
            "prediction_id" if subject == "prediction" else "product_id": key,
            "decision": decision,
            "category": category,
            "comment": comment,
        }
    )
    return record_review(services, body, by)


class ReviewsQuery(UrlQuery):
    """The filters of GET /api/reviews."""

    subject: Literal["prediction", "product"] | None = None
    prediction_id: int | None = Field(None, ge=1, le=MAX_ID)
    product_id: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    username: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    decision: Literal["confirm", "correct"] | None = None
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=500)


def list_reviews(services: Services, query: ReviewsQuery) -> tuple[int, list[Review]]:
    filters = ReviewFilter(
        subject=query.subject,
        prediction_id=query.prediction_id,
        product_uniq_id=query.product_id,
        username=query.username,
        decision=query.decision,
    )
    with session_scope(services.sessions) as session:
        total, rows = page_reviews(session, filters, page=query.page, page_size=query.page_size)
        session.expunge_all()
    return total, rows


def review_dict(review: Review) -> dict[str, Any]:
    created = review.created_at
    if created.tzinfo is None:  # SQLite hands back naive UTC
        created = created.replace(tzinfo=UTC)
    return {
        "id": review.id,
        "created_at": created.astimezone(UTC).isoformat(),
        "username": review.username,
        "subject": review.subject,
        "prediction_id": review.prediction_id,
        "product_id": review.product_uniq_id,
        "shown": {
            "model": review.model_name,
            "model_version": review.model_version,
            "category": review.shown_category,
            "confidence": review.shown_confidence,
        },
        "decision": review.decision,
        "category": review.category,
        "comment": review.comment,
    }


def agreement_figures(services: Services) -> list[Agreement]:
    """How often people kept the model's category, per model version and predicted category."""
    with session_scope(services.sessions) as session:
        return agreement(session)
