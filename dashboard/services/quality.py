"""Data-quality report of the stored catalogue (duplicates and train/test leaks), cached per
catalogue state."""

from __future__ import annotations

from dashboard.services.state import Services
from dashboard.services.training import backbone_spec, catalogue_data
from db.engine import session_scope
from db.repo_catalogue import catalogue_version
from ml.features import FeatureCache, prepare_inputs
from ml.quality import DEFAULT_THRESHOLD, QualityReport, find_duplicates


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
    key = (state, threshold)
    spec = backbone_spec(services)
    # The catalogue is read only when the report has to be built (pages ask on every render).
    if not compute and not services.memo.has("quality", key):
        cache = FeatureCache(services.settings.artifacts_dir, spec.key)
        if not all(cache.path(sha).exists() for sha in catalogue_data(services).image_shas):
            return None

    def build() -> QualityReport:
        data = catalogue_data(services)
        inputs = prepare_inputs(data, services.settings.artifacts_dir, spec, progress=progress)
        return find_duplicates(
            data.ids, data.image_shas, inputs.embeddings, list(data.splits), threshold
        )

    return services.memo.get("quality", key, build)
