"""Retention of uploaded photos: kept so their predictions can be explained later, but not for
ever and not without bound. Catalogue images are never removed here."""

from __future__ import annotations

import time
from dataclasses import dataclass

from dashboard.services import imagestore
from dashboard.services.state import Services
from db.engine import session_scope
from db.repo_catalogue import catalogue_image_hashes

DAY_S = 24 * 3600


@dataclass(frozen=True)
class Pruned:
    removed: int
    removed_bytes: int
    kept: int
    kept_bytes: int


def prune_uploads(services: Services, *, dry_run: bool = False, now: float | None = None) -> Pruned:
    """Remove uploads unused for `upload_retention_days`, then the least recently used ones
    until the rest fit in `upload_max_total_mb`. A removed photo's predictions stay in the
    audit trail; only their explanation is no longer available."""
    settings = services.settings
    now = time.time() if now is None else now
    with session_scope(services.sessions) as session:
        catalogue = catalogue_image_hashes(session)
    uploads = [i for i in imagestore.stored_images(settings.data_dir) if i.sha256 not in catalogue]
    cutoff = now - settings.upload_retention_days * DAY_S
    doomed = [i for i in uploads if i.used_at < cutoff]
    kept = [i for i in uploads if i.used_at >= cutoff]  # oldest first
    budget = int(settings.upload_max_total_mb * 1024 * 1024)
    total = sum(i.size for i in kept)
    while kept and total > budget:
        oldest = kept.pop(0)
        doomed.append(oldest)
        total -= oldest.size
    if not dry_run:
        for image in doomed:
            image.path.unlink(missing_ok=True)
    return Pruned(len(doomed), sum(i.size for i in doomed), len(kept), total)
