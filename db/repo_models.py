"""Queries over trained model versions. One version per model name is active."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import ModelEvent, ModelVersion


def list_model_versions(session: Session) -> list[ModelVersion]:
    stmt = select(ModelVersion).order_by(ModelVersion.name, ModelVersion.version.desc())
    return list(session.scalars(stmt))


def active_versions(session: Session) -> dict[str, ModelVersion]:
    stmt = select(ModelVersion).where(ModelVersion.is_active.is_(True))
    return {mv.name: mv for mv in session.scalars(stmt)}


def get_version(session: Session, name: str, version: int) -> ModelVersion | None:
    stmt = select(ModelVersion).where(ModelVersion.name == name, ModelVersion.version == version)
    return session.scalar(stmt)


def next_version(session: Session, name: str) -> int:
    stmt = select(func.max(ModelVersion.version)).where(ModelVersion.name == name)
    return (session.scalar(stmt) or 0) + 1


def add_model_version(
    session: Session,
    *,
    name: str,
    version: int,
    artifact_path: str,
    backbone: str | None,
    params_count: int | None,
    metrics: dict[str, Any],
) -> ModelVersion:
    row = ModelVersion(
        name=name,
        version=version,
        artifact_path=artifact_path,
        backbone=backbone,
        params_count=params_count,
        metrics=metrics,
        is_active=False,
    )
    session.add(row)
    session.flush()
    return row


def activate(session: Session, name: str, version: int) -> ModelVersion:
    """Make `version` the active one of `name` (and no other); LookupError if it is unknown."""
    row = get_version(session, name, version)
    if row is None:
        raise LookupError(f"no version {version} of model {name!r}")
    session.execute(update(ModelVersion).where(ModelVersion.name == name).values(is_active=False))
    row.is_active = True
    row.is_shadow = False  # an active version answers: it cannot shadow itself
    session.flush()
    return row


def best_version(session: Session, name: str, metric: str = "val_accuracy") -> ModelVersion | None:
    """The version of `name` with the highest `metric` (newest wins a tie)."""
    versions = [mv for mv in list_model_versions(session) if mv.name == name]
    if not versions:
        return None
    return max(versions, key=lambda mv: (mv.metrics.get(metric, -1.0), mv.version))


def update_metrics(session: Session, name: str, version: int, metrics: dict[str, Any]) -> None:
    row = get_version(session, name, version)
    if row is None:
        raise LookupError(f"no version {version} of model {name!r}")
    row.metrics = {**row.metrics, **metrics}


def add_event(
    session: Session,
    action: str,
    name: str,
    version: int,
    *,
    replaced_version: int | None = None,
    user_id: int | None = None,
    username: str | None = None,
) -> ModelEvent:
    row = ModelEvent(
        action=action,
        model_name=name,
        model_version=version,
        replaced_version=replaced_version,
        user_id=user_id,
        username=username,
    )
    session.add(row)
    session.flush()
    return row


def recent_events(session: Session, limit: int = 20) -> list[ModelEvent]:
    """The newest activations, shadows and promotions, newest first."""
    return list(session.scalars(select(ModelEvent).order_by(ModelEvent.id.desc()).limit(limit)))


def last_event(session: Session, action: str, name: str, version: int) -> ModelEvent | None:
    """The newest `action` recorded for that version (e.g. when it was put in shadow)."""
    stmt = (
        select(ModelEvent)
        .where(
            ModelEvent.action == action,
            ModelEvent.model_name == name,
            ModelEvent.model_version == version,
        )
        .order_by(ModelEvent.id.desc())
        .limit(1)
    )
    return session.scalar(stmt)
