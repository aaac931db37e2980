"""GET/POST /api/reviews: people's decisions about predictions and catalogue labels."""

from __future__ import annotations

from flask import Response, jsonify, request
from pydantic import ValidationError

from dashboard.api import schemas as s
from dashboard.api.errors import ApiError, invalid, parse_body
from dashboard.api.openapi import NOT_FOUND, UNPROCESSABLE, Operation, Param
from dashboard.api.routes import Routes
from dashboard.services.reviews import (
    REVIEW_ROLE,
    ReviewIn,
    ReviewRejected,
    ReviewsQuery,
    UnknownSubject,
    list_reviews,
    record_review,
    review_dict,
)
from dashboard.web.auth import requester
from dashboard.web.context import services

LIST_REVIEWS = Operation(
    "get",
    "/reviews",
    "Recorded decisions, newest first",
    "reviews",
    {200: ("A page of reviews.", s.ReviewPageOut), 422: UNPROCESSABLE},
    params=(
        Param(
            "subject",
            "query",
            {"type": "string", "enum": ["prediction", "product"]},
            "Decisions about predictions or about catalogue labels.",
        ),
        Param(
            "prediction_id",
            "query",
            {"type": "integer", "minimum": 1, "maximum": s.MAX_ID},
            "Only this prediction's decisions.",
        ),
        Param(
            "product_id",
            "query",
            {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
            "Only decisions about this catalogue product (or its predictions).",
        ),
        Param(
            "username",
            "query",
            {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
            "Only this reviewer's.",
        ),
        Param(
            "decision",
            "query",
            {"type": "string", "enum": ["confirm", "correct"]},
            "Only confirmations, or only corrections.",
        ),
        Param(
            "page",
            "query",
            {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1},
            "Page number.",
        ),
        Param(
            "page_size",
            "query",
            {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
            "Reviews per page.",
        ),
    ),
    role=REVIEW_ROLE,
)
ADD_REVIEW = Operation(
    "post",
    "/reviews",
    "Confirm or correct the category of a prediction or of a catalogue product",
    "reviews",
    {
        201: ("The decision, as recorded.", s.ReviewOut),
        404: NOT_FOUND,
        422: UNPROCESSABLE,
    },
    body=ReviewIn,
    role=REVIEW_ROLE,
    description="Decisions are only ever added: a later one about the same item supersedes "
    "the earlier in the queue and the audit CSV, and both stay on record.",
)


def register(routes: Routes) -> None:
    @routes.operation(LIST_REVIEWS)
    def reviews() -> Response:
        try:
            query = ReviewsQuery.model_validate(request.args.to_dict())
        except ValidationError as exc:
            raise invalid(exc, "invalid_query", "The query parameters are not valid.") from exc
        total, rows = list_reviews(services(), query)
        return jsonify(
            {
                "total": total,
                "page": query.page,
                "page_size": query.page_size,
                "pages": max(1, -(-total // query.page_size)),
                "items": [review_dict(r) for r in rows],
            }
        )

    @routes.operation(ADD_REVIEW)
    def add_review() -> tuple[Response, int]:
        body = parse_body(ReviewIn)
        try:
            review = record_review(services(), body, requester())
        except UnknownSubject as exc:
            raise ApiError(404, "not_found", str(exc)) from exc
        except ReviewRejected as exc:
            raise ApiError(422, "review_rejected", str(exc)) from exc
        return jsonify(review_dict(review)), 201
