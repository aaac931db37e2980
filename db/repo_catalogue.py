"""Queries over the product catalogue."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Product


def count_products(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Product)) or 0


def count_by_category(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Product.category, func.count()).group_by(Product.category).order_by(Product.category)
    )
    return {category: count for category, count in rows}


def count_by_split(session: Session) -> dict[str, int]:
    rows = session.execute(select(Product.split, func.count()).group_by(Product.split))
    return {split: count for split, count in rows}


def get_product(session: Session, uniq_id: str) -> Product | None:
    return session.scalar(select(Product).where(Product.uniq_id == uniq_id))
