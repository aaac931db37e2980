"""Queries over trained model versions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ModelVersion


def list_model_versions(session: Session) -> list[ModelVersion]:
    stmt = select(ModelVersion).order_by(ModelVersion.name, ModelVersion.version.desc())
    return list(session.scalars(stmt))


def active_versions(session: Session) -> dict[str, ModelVersion]:
    stmt = select(ModelVersion).where(ModelVersion.is_active.is_(True))
    return {mv.name: mv for mv in session.scalars(stmt)}
