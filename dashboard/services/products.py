"""Catalogue products by id (the one place an id is checked before it reaches a query or a
path), and found by what people know of them: words of the name, the brand, part of the id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from dashboard.services import imagestore
from dashboard.services.state import Services
from db.engine import session_scope
from db.models import Product
from db.repo_catalogue import get_product, search_products
from db.repo_predictions import latest_prediction_ids
from ml.categories import CATEGORIES
from ml.splits import SPLITS
from ml.wording import Phrase

PRODUCT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class InvalidProductId(ValueError):
    phrase = Phrase("A product id is 1-64 letters, digits, - or _.")

    def __str__(self) -> str:
        return str(self.phrase)


class UnknownProduct(LookupError):
    @property
    def phrase(self) -> Phrase:
        return Phrase("No catalogue product has the id “%(id)s”.", id=self.args[0])

    def __str__(self) -> str:
        return str(self.phrase)


def find_product(services: Services, uniq_id: str) -> Product:
    """The product, or InvalidProductId (no traversal, no odd characters) or UnknownProduct."""
    if not PRODUCT_ID.fullmatch(uniq_id):
        raise InvalidProductId(uniq_id[:80])
    with session_scope(services.sessions) as session:
        product = get_product(session, uniq_id)
    if product is None:
        raise UnknownProduct(uniq_id)
    return product


def product_image(services: Services, product: Product) -> Path:
    data_dir = services.settings.data_dir
    return imagestore.image_path(data_dir, product.image_sha256, product.image_file)


class ProductQuery(BaseModel):
    """A product search, as given in a URL query."""

    model_config = {"extra": "forbid"}

    q: str = Field("", max_length=200, description="Words of the name or brand, or part of the id.")
    category: Literal[CATEGORIES] | None = None  # type: ignore[valid-type]
    split: Literal[SPLITS] | None = None  # type: ignore[valid-type]
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)

    @field_validator("category", "split", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


@dataclass(frozen=True)
class ProductMatches:
    total: int
    products: list[Product]
    # The newest recorded prediction of each product (one `only_by` may see), to explain it.
    predictions: dict[str, int]


def latest_predictions(
    services: Services, uniq_ids: list[str], *, only_by: int | None = None
) -> dict[str, int]:
    """The newest recorded prediction of each product (of `only_by`'s, if given), to explain."""
    with session_scope(services.sessions) as session:
        return latest_prediction_ids(session, uniq_ids, user_id=only_by)


def find_products(
    services: Services, query: ProductQuery, *, only_by: int | None = None
) -> ProductMatches:
    with session_scope(services.sessions) as session:
        total, found = search_products(
            session,
            query.q,
            category=query.category,
            split=query.split,
            limit=query.limit,
            offset=query.offset,
        )
        latest = latest_prediction_ids(session, [p.uniq_id for p in found], user_id=only_by)
        session.expunge_all()  # read after the session closes
    return ProductMatches(total, found, latest)
