"""Suspect catalogue labels: stored when the primary model is trained, listed for review."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from dashboard.services.state import Services
from db.engine import session_scope
from db.models import LabelIssue, Product, Review
from db.repo_catalogue import catalogue_version
from db.repo_label_issues import add_label_issues, page_label_issues
from db.repo_models import active_versions
from ml import label_issues
from ml.models.registry import PRIMARY


def record_label_issues(services: Services, model_version_id: int, folder: Path) -> int | None:
    """Store the suspect labels found while training the version in `folder` (None when its
    training did not look for them)."""
    found = label_issues.load(folder)
    if found is None:
        return None
    with session_scope(services.sessions) as session:
        return add_label_issues(
            session, model_version_id, catalogue_version(session), (asdict(i) for i in found)
        )


@dataclass(frozen=True)
class SuspectLabel:
    issue: LabelIssue
    product: Product
    review: Review | None  # the newest decision about the product's label


@dataclass(frozen=True)
class SuspectPage:
    model: str | None  # "fusion v3": the active version they come from (None: not trained)
    total: int
    items: list[SuspectLabel]


def suspect_labels(
    services: Services,
    *,
    status: str = "unreviewed",
    category: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> SuspectPage:
    """The active primary version's suspect labels (given `category`), most suspect first."""
    with session_scope(services.sessions) as session:
        version = active_versions(session).get(PRIMARY)
        if version is None:
            return SuspectPage(None, 0, [])
        total, rows = page_label_issues(
            session, version.id, status=status, category=category, page=page, page_size=page_size
        )
        session.expunge_all()
    return SuspectPage(
        f"{version.name} v{version.version}", total, [SuspectLabel(*row) for row in rows]
    )
