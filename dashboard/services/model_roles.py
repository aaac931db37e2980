"""Which version serves and which scores in shadow, changed by an admin and recorded: every
activation, shadow, stop and promotion goes into `model_events` with who and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dashboard.services.prediction import Requester, predictor_for
from dashboard.services.serving import serving_roles
from dashboard.services.shadow import shadow_scorer
from dashboard.services.state import Services
from db.engine import session_scope
from db.repo_models import activate, active_versions, add_event, list_model_versions, recent_events
from db.repo_shadow import clear_shadow, set_shadow, shadow_versions
from ml.wording import Phrase

ADMIN_ROLE = "admin"  # the role that may change what serves (as POST /api/model/activate)


class ShadowRefused(ValueError):
    """A shadow that cannot be: said in words to the admin who asked."""


@dataclass(frozen=True)
class Change:
    name: str
    version: int
    replaced_version: int | None = None  # the active version before (activate, promote)


def _event(services: Services, change: Change, action: str, by: Requester | None) -> None:
    with session_scope(services.sessions) as session:
        add_event(
            session,
            action,
            change.name,
            change.version,
            replaced_version=change.replaced_version,
            user_id=by.user_id if by else None,
            username=by.username if by else None,
        )


def activate_version(services: Services, name: str, version: int, by: Requester | None) -> Change:
    """Make the version the active one of its model (LookupError when unknown)."""
    with session_scope(services.sessions) as session:
        before = active_versions(session).get(name)
        activate(session, name, version)
    change = Change(name, version, before.version if before else None)
    _event(services, change, "activate", by)
    return change


def put_in_shadow(services: Services, name: str, version: int, by: Requester | None) -> Change:
    """Score every live prediction of `name` with `version` too, from now on. LookupError when
    the version is unknown; ShadowRefused when it serves already, or `name` answers nothing."""
    with session_scope(services.sessions) as session:
        roles = serving_roles(services, active_versions(session))
        if name not in roles:
            serving = " and ".join(sorted(roles)) or "none"
            raise ShadowRefused(
                Phrase(
                    "%(name)s answers no prediction, so it has no live traffic to score in "
                    "shadow (the models that answer: %(serving)s)",
                    name=name,
                    serving=serving,
                )
            )
        try:
            set_shadow(session, name, version)
        except ValueError as exc:
            raise ShadowRefused(str(exc)) from exc
    try:  # load it now: a version that cannot serve beside the others is refused at once
        shadow_scorer(services)
    except (ValueError, OSError, RuntimeError) as exc:  # ONNX Runtime's errors are the last
        with session_scope(services.sessions) as session:
            clear_shadow(session, name)
        raise ShadowRefused(
            Phrase(
                "%(name)s v%(version)s cannot be loaded beside the active models: %(why)s",
                name=name,
                version=version,
                why=str(exc),
            )
        ) from exc
    change = Change(name, version)
    _event(services, change, "shadow", by)
    return change


def stop_shadow(services: Services, name: str, by: Requester | None) -> Change:
    """Stop scoring `name`'s shadow version; LookupError when none is in shadow."""
    with session_scope(services.sessions) as session:
        row = clear_shadow(session, name)
        if row is None:
            raise LookupError(f"no version of {name} is in shadow")
        change = Change(name, row.version)
    _event(services, change, "unshadow", by)
    return change


def promote_shadow(services: Services, name: str, by: Requester | None) -> Change:
    """Make `name`'s shadow version the active one; LookupError when none is in shadow."""
    with session_scope(services.sessions) as session:
        row = shadow_versions(session).get(name)
        if row is None:
            raise LookupError(f"no version of {name} is in shadow")
        before = active_versions(session).get(name)
        activate(session, name, row.version)
        change = Change(name, row.version, before.version if before else None)
    _event(services, change, "promote", by)
    predictor_for(services)  # the promoted version answers the next request without a wait
    return change


@dataclass(frozen=True)
class Event:
    at: datetime
    username: str | None
    action: str
    name: str
    version: int
    replaced_version: int | None


def events(services: Services, limit: int = 20) -> list[Event]:
    with session_scope(services.sessions) as session:
        return [
            Event(e.created_at, e.username, e.action, e.model_name, e.model_version,
                  e.replaced_version)
            for e in recent_events(session, limit)
        ]  # fmt: skip


def shadow_candidates(services: Services) -> list[tuple[str, int]]:
    """(name, version) of each version that could be put in shadow: not active, of a model
    that answers predictions."""
    with session_scope(services.sessions) as session:
        roles = serving_roles(services, active_versions(session))
        return [
            (mv.name, mv.version)
            for mv in list_model_versions(session)
            if mv.name in roles and not mv.is_active and not mv.is_shadow
        ]
