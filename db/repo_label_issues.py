"""Suspect catalogue labels per model version, with the newest decision about each product."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from db.models import LabelIssue, Product, Review
from db.repo_reviews import latest_reviews


def add_label_issues(
    session: Session,
    model_version_id: int,
    catalogue: tuple[int, str],
    issues: Iterable[dict[str, Any]],
) -> int:
    """Store the issues found for a model version (fields of ml.label_issues.LabelIssue)."""
    count = 0
    for issue in issues:
        session.add(
            LabelIssue(
                model_version_id=model_version_id,
                catalogue_size=catalogue[0],
                catalogue_updated=catalogue[1],
                product_uniq_id=issue["uniq_id"],
                given_category=issue["given"],
                suggested_category=issue["suggested"],
                quality=issue["quality"],
                rank=issue["rank"],
                probabilities=issue["probabilities"],
                neighbours=issue["neighbours"],
            )
        )
        count += 1
    session.flush()
    return count


def _issues(model_version_id: int, status: str, category: str | None) -> Select:  # type: ignore[type-arg]
    latest = aliased(Review, latest_reviews("product"))
    stmt = (
        select(LabelIssue, Product, latest)
        .join(Product, Product.uniq_id == LabelIssue.product_uniq_id)
        .outerjoin(latest, latest.product_uniq_id == LabelIssue.product_uniq_id)
        .where(LabelIssue.model_version_id == model_version_id)
    )
    if category is not None:
        stmt = stmt.where(LabelIssue.given_category == category)
    if status == "unreviewed":
        stmt = stmt.where(latest.id.is_(None))
    elif status == "reviewed":
        stmt = stmt.where(latest.id.is_not(None))
    return stmt


def page_label_issues(
    session: Session,
    model_version_id: int,
    *,
    status: str = "unreviewed",
    category: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> tuple[int, list[tuple[LabelIssue, Product, Review | None]]]:
    """How many issues of the version (still in the catalogue) match `status` (unreviewed,
    reviewed or any) and the given `category`, and one page of them, most suspect first."""
    stmt = _issues(model_version_id, status, category)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(
        stmt.order_by(LabelIssue.rank).limit(page_size).offset((page - 1) * page_size)
    ).tuples()
    return int(total), [(issue, product, review) for issue, product, review in rows]
