"""GET /api/products (search), /api/products/{id} and its image."""

from __future__ import annotations

from flask import Response, jsonify, request, send_file, url_for
from pydantic import ValidationError

from dashboard.api import schemas as s
from dashboard.api.errors import ApiError, invalid
from dashboard.api.openapi import (
    BAD_REQUEST,
    NOT_FOUND,
    PRODUCT_ID,
    UNPROCESSABLE,
    Operation,
    Param,
)
from dashboard.api.routes import Routes
from dashboard.api.schemas import ProductOut
from dashboard.services import imagestore, products
from dashboard.services.products import ProductQuery, find_products
from dashboard.web.context import services
from db.models import Product
from ml.categories import CATEGORIES
from ml.splits import SPLITS

IMAGE_MAX_AGE = 7 * 24 * 3600


def product_error(
    exc: products.InvalidProductId | products.UnknownProduct, uniq_id: str
) -> ApiError:
    """400 for a malformed id, 404 for an id no product has."""
    if isinstance(exc, products.InvalidProductId):
        return ApiError(400, "invalid_product_id", str(exc), {"product_id": uniq_id[:80]})
    return ApiError(404, "product_not_found", "No product has this id.", {"product_id": uniq_id})


def find_product(uniq_id: str) -> Product:
    try:
        return products.find_product(services(), uniq_id)
    except (products.InvalidProductId, products.UnknownProduct) as exc:
        raise product_error(exc, uniq_id) from exc


def product_out(product: Product) -> ProductOut:
    return ProductOut(
        uniq_id=product.uniq_id,
        pid=product.pid,
        name=product.product_name,
        category=product.category,
        category_tree=product.category_tree,
        split=product.split,
        brand=product.brand,
        description=product.description,
        retail_price=product.retail_price,
        discounted_price=product.discounted_price,
        product_rating=product.product_rating,
        overall_rating=product.overall_rating,
        is_fk_advantage=product.is_fk_advantage,
        product_url=product.product_url,
        specifications=product.specifications,
        image_sha256=product.image_sha256,
        image_url=url_for("api.product_image", uniq_id=product.uniq_id),
    )


PRODUCT = Operation(
    "get",
    "/products/{uniq_id}",
    "A catalogue product",
    "catalogue",
    {200: ("The product.", s.ProductOut), 400: BAD_REQUEST, 404: NOT_FOUND},
    params=(PRODUCT_ID,),
)

PRODUCT_IMAGE = Operation(
    "get",
    "/products/{uniq_id}/image",
    "A product's photo",
    "catalogue",
    {
        200: ("The image bytes.", None),
        304: ("Not modified.", None),
        400: BAD_REQUEST,
        404: NOT_FOUND,
    },
    params=(PRODUCT_ID,),
    produces=("image/jpeg", "image/png", "image/webp"),
)


PRODUCTS = Operation(
    "get",
    "/products",
    "Find catalogue products by name, brand or id",
    "catalogue",
    {200: ("The products that match, best first.", s.ProductSearchOut), 422: UNPROCESSABLE},
    params=(
        Param(
            "q",
            "query",
            {"type": "string", "maxLength": 200, "default": ""},
            "Words that must all appear in the name, the brand or the id (any case); an exact "
            "id comes first, then names that start with the words. Empty: every product.",
            example="watch",
        ),
        Param("category", "query", {"type": "string", "enum": list(CATEGORIES)}, "Only this one."),
        Param("split", "query", {"type": "string", "enum": list(SPLITS)}, "Only this split."),
        Param(
            "limit",
            "query",
            {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
            "Products per page.",
        ),
        Param(
            "offset",
            "query",
            {"type": "integer", "minimum": 0, "maximum": 1_000_000, "default": 0},
            "Products to skip.",
        ),
    ),
)


def register(routes: Routes) -> None:
    @routes.operation(PRODUCTS)
    def product_search() -> Response:
        try:
            query = ProductQuery.model_validate(request.args.to_dict())
        except ValidationError as exc:
            raise invalid(exc, "invalid_query", "The query parameters are not valid.") from exc
        found = find_products(services(), query)
        items = [
            s.ProductHit(
                uniq_id=p.uniq_id,
                name=p.product_name,
                brand=p.brand,
                category=p.category,
                split=p.split,
                image_url=url_for("api.product_image", uniq_id=p.uniq_id),
            )
            for p in found.products
        ]
        body = s.ProductSearchOut(
            total=found.total, limit=query.limit, offset=query.offset, items=items
        )
        return jsonify(body.model_dump())

    @routes.operation(PRODUCT)
    def product(uniq_id: str) -> Response:
        return jsonify(product_out(find_product(uniq_id)).model_dump())

    @routes.operation(PRODUCT_IMAGE)
    def product_image(uniq_id: str) -> Response:
        product = find_product(uniq_id)
        path = imagestore.image_path(
            services().settings.data_dir, product.image_sha256, product.image_file
        )
        if not path.is_file():
            raise ApiError(
                404,
                "image_not_found",
                "This product's image is not in the store.",
                {"product_id": uniq_id},
            )
        # The URL's content changes only with the image, whose hash is the ETag.
        response = send_file(
            path,
            mimetype=imagestore.mimetype(path),
            etag=product.image_sha256,
            conditional=True,
            max_age=IMAGE_MAX_AGE,
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
