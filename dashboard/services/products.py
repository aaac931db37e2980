"""Catalogue products by id: the one place an id is checked before it reaches a query or a path."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.services import imagestore
from dashboard.services.state import Services
from db.engine import session_scope
from db.models import Product
from db.repo_catalogue import get_product

PRODUCT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class InvalidProductId(ValueError):
    def __str__(self) -> str:
        return "A product id is 1-64 letters, digits, - or _."


class UnknownProduct(LookupError):
    def __str__(self) -> str:
        return f"No catalogue product has the id “{self.args[0]}”."


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
