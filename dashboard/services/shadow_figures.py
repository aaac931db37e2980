"""How each version in shadow compares with the active version it shadows, on live traffic:
agreement, the cases where they differ, and accuracy on the predictions reviewers decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dashboard.services.serving import serving_roles
from dashboard.services.state import Services
from db.engine import session_scope
from db.repo_models import active_versions, last_event
from db.repo_shadow import ShadowFigures, disagreements, shadow_figures, shadow_versions

DISAGREEMENTS_SHOWN = 20


@dataclass(frozen=True)
class Answer:
    model: str
    version: int
    category: str
    confidence: float


@dataclass(frozen=True)
class Disagreement:
    prediction_id: int
    at: datetime
    live: Answer
    shadow: Answer
    reviewed_category: str | None  # the newest reviewer decision, if any


@dataclass(frozen=True)
class ShadowView:
    name: str
    version: int
    role: str  # primary or fallback
    active_version: int | None
    since: datetime | None  # when it was put in shadow
    figures: ShadowFigures
    disagreements: list[Disagreement]

    @property
    def agreement(self) -> float | None:
        return self.figures.agreed / self.figures.scored if self.figures.scored else None

    @property
    def live_accuracy(self) -> float | None:
        f = self.figures
        return f.live_right / f.reviewed if f.reviewed else None

    @property
    def shadow_accuracy(self) -> float | None:
        f = self.figures
        return f.shadow_right / f.reviewed if f.reviewed else None


def shadow_views(services: Services, limit: int = DISAGREEMENTS_SHOWN) -> list[ShadowView]:
    """One view per version in shadow, the primary's first."""
    with session_scope(services.sessions) as session:
        active = active_versions(session)
        roles = serving_roles(services, active)
        views = []
        for name, row in sorted(shadow_versions(session).items()):
            shadowed = last_event(session, "shadow", name, row.version)
            found = [
                Disagreement(
                    p.id,
                    p.created_at,
                    Answer(p.model_name, p.model_version, p.category, p.confidence),
                    Answer(s.model_name, s.model_version, s.category, s.confidence),
                    review.category if review else None,
                )
                for p, s, review in disagreements(session, row.id, limit)
            ]
            views.append(
                ShadowView(
                    name,
                    row.version,
                    roles.get(name, "none"),
                    active[name].version if name in active else None,
                    shadowed.created_at if shadowed else None,
                    shadow_figures(session, row.id),
                    found,
                )
            )
    return sorted(views, key=lambda v: (v.role != "primary", v.name))


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def shadow_summary(view: ShadowView) -> str:
    """The comparison in one sentence per figure (CLI, page summary)."""
    f = view.figures
    lines = [
        f"{view.name} v{view.version} in shadow of v{view.active_version} ({view.role}): "
        f"scored {f.scored} live predictions, agreed on {f.agreed} ({_pct(view.agreement)})."
    ]
    if f.reviewed:
        lines.append(
            f"On the {f.reviewed} of them reviewers decided: the active version was right on "
            f"{f.live_right} ({_pct(view.live_accuracy)}), the shadow on {f.shadow_right} "
            f"({_pct(view.shadow_accuracy)})."
        )
    else:
        lines.append("No prediction it scored has been reviewed yet.")
    return "\n".join(lines)
