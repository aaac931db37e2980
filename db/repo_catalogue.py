"""Queries over the product catalogue."""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal_column, select
from sqlalchemy.orm import Session

from db.models import Product

_CHUNK = 500
SEARCH_WORDS = 8  # more words than this in a search are ignored
# What a search matches, word by word: name, brand and id, lowered. Alembic revision 0008 puts
# a trigram index on exactly this expression on PostgreSQL, so keep the two the same.
SEARCH_TEXT = func.lower(
    Product.product_name
    + literal_column("' '")
    + func.coalesce(Product.brand, literal_column("''"))
    + literal_column("' '")
    + Product.uniq_id
)


def get_product(session: Session, uniq_id: str) -> Product | None:
    return session.scalar(select(Product).where(Product.uniq_id == uniq_id))


def product_categories(session: Session) -> dict[str, str]:
    """uniq_id -> category of every stored product."""
    return dict(session.execute(select(Product.uniq_id, Product.category)).tuples().all())


def product_splits(session: Session) -> dict[str, str]:
    """uniq_id -> split of every stored product."""
    return dict(session.execute(select(Product.uniq_id, Product.split)).tuples().all())


def upsert_products(session: Session, rows: Iterable[Mapping[str, Any]]) -> tuple[int, int, int]:
    """Insert new products and update known ones, keyed by uniq_id. Returns (inserted,
    updated, unchanged): a known product whose every field is the same is left alone.

    Portable across SQLite and PostgreSQL: known rows are looked up in chunks, then updated
    in place, so a re-run never duplicates a product.
    """
    rows = list(rows)
    inserted = updated = unchanged = 0
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        ids = [row["uniq_id"] for row in chunk]
        known = {
            p.uniq_id: p for p in session.scalars(select(Product).where(Product.uniq_id.in_(ids)))
        }
        for row in chunk:
            product = known.get(row["uniq_id"])
            if product is None:
                session.add(Product(**row))
                inserted += 1
            elif all(getattr(product, key) == value for key, value in row.items()):
                unchanged += 1
            else:
                for key, value in row.items():
                    setattr(product, key, value)
                updated += 1
        session.flush()
    return inserted, updated, unchanged


def catalogue_rows(session: Session) -> list[dict[str, Any]]:
    """One light row per product for the overview's distributions."""
    stmt = select(
        Product.uniq_id,
        Product.category,
        Product.split,
        func.length(Product.description).label("description_length"),
        Product.retail_price,
        Product.discounted_price,
    )
    return [dict(row._mapping) for row in session.execute(stmt)]


def sample_products(session: Session, per_category: int = 2) -> list[Product]:
    """A few products of each category, the same ones on every visit (lowest ids first)."""
    ranked = select(
        Product.id,
        func.row_number().over(partition_by=Product.category, order_by=Product.id).label("rank"),
    ).subquery()
    stmt = (
        select(Product)
        .join(ranked, ranked.c.id == Product.id)
        .where(ranked.c.rank <= per_category)
        .order_by(Product.category, Product.id)
    )
    return list(session.scalars(stmt))


def training_rows(session: Session) -> list[dict[str, Any]]:
    """What training needs of every product, in a stable order."""
    stmt = select(
        Product.uniq_id,
        Product.category,
        Product.split,
        Product.product_name,
        Product.description,
        Product.image_sha256,
        Product.image_file,
    ).order_by(Product.id)
    return [dict(row._mapping) for row in session.execute(stmt)]


def catalogue_version(session: Session) -> tuple[int, str]:
    """Changes whenever products are added or updated: (count, newest update time)."""
    count, newest = session.execute(select(func.count(), func.max(Product.updated_at))).one()
    return int(count or 0), str(newest)


def products_by_ids(session: Session, ids: Iterable[str]) -> dict[str, Product]:
    ids = list(ids)
    found: dict[str, Product] = {}
    for start in range(0, len(ids), _CHUNK):
        stmt = select(Product).where(Product.uniq_id.in_(ids[start : start + _CHUNK]))
        found.update({p.uniq_id: p for p in session.scalars(stmt)})
    return found


def analysis_rows(session: Session) -> list[dict[str, Any]]:
    """Per product: what the bivariate analysis can plot."""
    stmt = select(
        Product.uniq_id,
        Product.category,
        Product.retail_price,
        Product.discounted_price,
        func.length(Product.description).label("description_length"),
        func.coalesce(Product.product_rating, Product.overall_rating).label("rating"),
        Product.image_sha256,
        Product.image_file,
    )
    return [dict(row._mapping) for row in session.execute(stmt)]


def catalogue_image_hashes(session: Session) -> set[str]:
    return set(session.scalars(select(Product.image_sha256)))


def _like(word: str) -> ColumnElement[bool]:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return SEARCH_TEXT.like(f"%{escaped}%", escape="\\")


def search_products(
    session: Session,
    query: str = "",
    *,
    category: str | None = None,
    split: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[int, list[Product]]:
    """(how many match, one page of them): products whose name, brand or id holds every word
    of `query` (any case, punctuation around words dropped), in `category` and `split` when
    given. The product with exactly that
    id comes first, then names that start with the query, then by name."""
    # Punctuation around a word is how it was typed or pasted ("absorbent," "(pack"), not
    # what is looked for; inside a word it stays ("100%", "story@home").
    words = [w.strip(string.punctuation) for w in query.lower().split()]
    words = [w for w in words if w][:SEARCH_WORDS]
    conditions = [_like(word) for word in words]
    if category:
        conditions.append(Product.category == category)
    if split:
        conditions.append(Product.split == split)
    total = session.scalar(select(func.count()).select_from(Product).where(*conditions)) or 0
    first = " ".join(words)
    order = [
        case((Product.uniq_id == query.strip(), 0), else_=1),
        case((func.lower(Product.product_name).startswith(first, autoescape=True), 0), else_=1),
        Product.product_name,
        Product.uniq_id,
    ]
    stmt = select(Product).where(*conditions).order_by(*order).limit(limit).offset(offset)
    return int(total), list(session.scalars(stmt))
