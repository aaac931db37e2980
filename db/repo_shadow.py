"""Shadow versions and their answers: which version scores live predictions beside the active
one, what it answered (only ever inserted: revision 0012's triggers), and how the two compare."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from db.models import ModelVersion, Prediction, Review, ShadowAnswer
from db.repo_models import get_version
from db.repo_reviews import latest_reviews, latest_reviews_of


def shadow_versions(session: Session) -> dict[str, ModelVersion]:
    """Model name -> the version in shadow for it."""
    stmt = select(ModelVersion).where(ModelVersion.is_shadow.is_(True))
    return {mv.name: mv for mv in session.scalars(stmt)}


def set_shadow(session: Session, name: str, version: int) -> ModelVersion:
    """Put `version` in shadow for `name` (in place of any other); LookupError if it is unknown,
    ValueError if it is the active version."""
    row = get_version(session, name, version)
    if row is None:
        raise LookupError(f"no version {version} of model {name!r}")
    if row.is_active:
        raise ValueError(f"{name} v{version} is the active version: it already answers")
    session.execute(update(ModelVersion).where(ModelVersion.name == name).values(is_shadow=False))
    row.is_shadow = True
    session.flush()
    return row


def clear_shadow(session: Session, name: str) -> ModelVersion | None:
    """Take `name`'s shadow version out of shadow; the version it was, if any."""
    row = shadow_versions(session).get(name)
    if row is not None:
        row.is_shadow = False
        session.flush()
    return row


def add_shadow_answer(session: Session, **fields: Any) -> ShadowAnswer:
    row = ShadowAnswer(**fields)
    session.add(row)
    session.flush()
    return row


def shadow_answers_of(session: Session, prediction_ids: Sequence[int]) -> dict[int, ShadowAnswer]:
    if not prediction_ids:
        return {}
    stmt = select(ShadowAnswer).where(ShadowAnswer.prediction_id.in_(list(prediction_ids)))
    return {row.prediction_id: row for row in session.scalars(stmt)}


@dataclass(frozen=True)
class ShadowFigures:
    scored: int  # live predictions the shadow answered too
    agreed: int  # ... with the same category
    first: datetime | None
    last: datetime | None
    reviewed: int  # ... that a reviewer has decided on
    live_right: int  # ... where the live answer is the decided category
    shadow_right: int  # ... where the shadow's answer is


def shadow_figures(session: Session, model_version_id: int) -> ShadowFigures:
    same = ShadowAnswer.category == Prediction.category
    counts = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((same, 1), else_=0)), 0),
            func.min(ShadowAnswer.created_at),
            func.max(ShadowAnswer.created_at),
        )
        .select_from(ShadowAnswer)
        .join(Prediction, Prediction.id == ShadowAnswer.prediction_id)
        .where(ShadowAnswer.model_version_id == model_version_id)
    ).one()
    review = latest_reviews("prediction")
    reviewed = session.execute(
        select(Prediction.category, ShadowAnswer.category, review.c.category)
        .select_from(ShadowAnswer)
        .join(Prediction, Prediction.id == ShadowAnswer.prediction_id)
        .join(review, review.c.prediction_id == ShadowAnswer.prediction_id)
        .where(ShadowAnswer.model_version_id == model_version_id)
    ).all()
    return ShadowFigures(
        scored=int(counts[0]),
        agreed=int(counts[1]),
        first=counts[2],
        last=counts[3],
        reviewed=len(reviewed),
        live_right=sum(live == decided for live, _shadow, decided in reviewed),
        shadow_right=sum(shadow == decided for _live, shadow, decided in reviewed),
    )


def disagreements(
    session: Session, model_version_id: int, limit: int = 20
) -> list[tuple[Prediction, ShadowAnswer, Review | None]]:
    """The newest live predictions the shadow answered differently, with any review."""
    stmt = (
        select(Prediction, ShadowAnswer)
        .join(ShadowAnswer, ShadowAnswer.prediction_id == Prediction.id)
        .where(
            ShadowAnswer.model_version_id == model_version_id,
            ShadowAnswer.category != Prediction.category,
        )
        .order_by(Prediction.id.desc())
        .limit(limit)
    )
    pairs = session.execute(stmt).tuples().all()
    reviews = latest_reviews_of(session, [p.id for p, _s in pairs])
    return [(p, s, reviews.get(p.id)) for p, s in pairs]
