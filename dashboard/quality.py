"""Data-quality report of the stored catalogue (duplicates and train/test leaks), cached per
catalogue state."""

from __future__ import annotations

import threading

from dashboard.services import Services
from dashboard.training import backbone_spec, catalogue_data
from db.engine import session_scope
from db.repo_catalogue import catalogue_version
from ml.features import FeatureCache
from ml.quality import DEFAULT_THRESHOLD, QualityReport, find_duplicates
from ml.training import prepare_inputs

_lock = threading.Lock()
_reports: dict[tuple, QualityReport] = {}  # type: ignore[type-arg]


def quality_report(
    services: Services,
    threshold: float = DEFAULT_THRESHOLD,
    progress: bool = False,
    compute: bool = True,
) -> QualityReport | None:
    """The report; with compute=False, None unless every image's features are cached (a page
    must not wait for the backbone to run over the whole catalogue)."""
    with session_scope(services.sessions) as session:
        state = catalogue_version(session)
    key = (str(services.settings.database_url), state, threshold)
    with _lock:
        if key not in _reports:
            data = catalogue_data(services)
            spec = backbone_spec(services)
            if not compute:
                cache = FeatureCache(services.settings.artifacts_dir, spec.key)
                if not all(cache.path(sha).exists() for sha in data.image_shas):
                    return None
            inputs = prepare_inputs(data, services.settings.artifacts_dir, spec, progress=progress)
            _reports.clear()
            _reports[key] = find_duplicates(
                data.ids, data.image_shas, inputs.embeddings, list(data.splits), threshold
            )
        return _reports[key]
