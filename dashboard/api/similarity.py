"""GET /api/products/{id}/similar?k=10: nearest catalogue products by the fused embedding."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for

from dashboard.api import schemas as s
from dashboard.api.errors import ApiError
from dashboard.api.openapi import BAD_REQUEST, NOT_FOUND, PRODUCT_ID, UNAVAILABLE, Operation, Param
from dashboard.api.products import find_product
from dashboard.api.routes import Routes
from dashboard.services.similarity import similar_to_product
from dashboard.web.context import services

MAX_K = 50


SIMILAR_PRODUCTS = Operation(
    "get",
    "/products/{uniq_id}/similar",
    "The k most similar catalogue products",
    "catalogue",
    {
        200: ("Nearest products by the fused embedding.", s.SimilarOut),
        400: BAD_REQUEST,
        404: NOT_FOUND,
        422: ("A parameter holds control characters.", s.ErrorOut),
        503: UNAVAILABLE,
    },
    params=(
        PRODUCT_ID,
        Param(
            "k",
            "query",
            {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
            "How many neighbours.",
            example=10,
        ),
    ),
)


def register(routes: Routes) -> None:
    @routes.operation(SIMILAR_PRODUCTS)
    def similar(uniq_id: str) -> Response:
        raw = request.args.get("k", "10")
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_K:
            raise ApiError(
                400, "invalid_k", f"k is a whole number from 1 to {MAX_K}.", {"k": raw[:20]}
            )
        product = find_product(uniq_id)
        found = similar_to_product(services(), product, int(raw))
        return jsonify(
            {
                "product_id": product.uniq_id,
                "category": product.category,
                "k": int(raw),
                "neighbours": [
                    {
                        "uniq_id": s.product.uniq_id,
                        "name": s.product.product_name,
                        "category": s.product.category,
                        "score": round(s.score, 6),
                        "same_category": s.same_category,
                        "image_url": url_for("api.product_image", uniq_id=s.product.uniq_id),
                    }
                    for s in found
                ],
            }
        )
