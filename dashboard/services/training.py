"""Train and evaluate from the stored catalogue, and record each model version."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dashboard.services import imagestore
from dashboard.services.label_issues import record_label_issues
from dashboard.services.review_training import ReviewedData, comparison, with_reviews
from dashboard.services.state import Services
from db.engine import session_scope
from db.repo_catalogue import training_rows
from db.repo_models import (
    activate,
    active_versions,
    add_model_version,
    best_version,
    next_version,
    update_metrics,
)
from ml.artifacts import ModelMeta, load_estimator
from ml.backbone_spec import BackboneSpec
from ml.evaluation import classification_metrics
from ml.extras import require_train_extra
from ml.features import CatalogueData, NotEnoughData, prepare_inputs
from ml.models.inputs import product_text
from ml.models.registry import SERVING
from ml.tracking import Tracking


class NoCatalogue(RuntimeError):
    def __str__(self) -> str:
        return "the catalogue is empty; run `vitrine data ingest` or `vitrine demo` first"


def backbone_spec(services: Services) -> BackboneSpec:
    settings = services.settings
    return BackboneSpec(settings.backbone, settings.backbone_weights)


def tracking(services: Services) -> Tracking:
    """Where MLflow records training runs (used when the `mlflow` extra is installed)."""
    instance = services.settings.instance_dir.resolve()
    uri = services.settings.mlflow_tracking_uri or f"sqlite:///{instance / 'mlflow.db'}"
    return Tracking(uri, instance / "mlruns")


def learned_views(artifact_path: str) -> list[str]:
    """The augmented views of its training photos a version also learned from (ml.views)."""
    try:
        return ModelMeta.load(Path(artifact_path)).views
    except (OSError, ValueError, TypeError):  # its files moved, or a meta from another release
        return []


def catalogue_data(services: Services) -> CatalogueData:
    with session_scope(services.sessions) as session:
        rows = training_rows(session)
    if not rows:
        raise NoCatalogue()
    data_dir = services.settings.data_dir
    return CatalogueData(
        ids=[r["uniq_id"] for r in rows],
        labels=np.array([r["category"] for r in rows]),
        splits=np.array([r["split"] for r in rows]),
        texts=tuple(product_text(r["product_name"], r["description"]) for r in rows),
        image_shas=[r["image_sha256"] for r in rows],
        image_paths=[
            imagestore.image_path(data_dir, r["image_sha256"], r["image_file"]) for r in rows
        ],
    )


@dataclass(frozen=True)
class TrainingOutcome:
    name: str
    version: int
    metrics: dict
    activated: bool


def train(
    services: Services,
    names: Sequence[str],
    *,
    progress: bool = True,
    report: Callable[[str], None] = print,
    activate_new: bool = False,
    use_reviews: bool = False,
) -> list[TrainingOutcome]:
    """Train `names`; a new version becomes active if asked, or if its model has none yet.

    `use_reviews`: on the catalogue as reviewers corrected it, with reviewed uploads added
    (dashboard.services.review_training); each new version's metrics then hold "reviews",
    its scores beside the active version's on the same test split and reviewed predictions.
    """
    require_train_extra("training")
    # PyTorch is imported only here: the rest of this module serves without it.
    from ml.training import train_models

    data = catalogue_data(services)
    reviewed = None
    if use_reviews:
        data, reviewed = with_reviews(services, data)
        report(
            f"reviews: {reviewed.corrected} catalogue labels corrected, {reviewed.added} "
            f"reviewed uploads added to the train split"
        )
    with session_scope(services.sessions) as session:
        versions = {name: next_version(session, name) for name in names}
        before = {
            n: (mv.version, Path(mv.artifact_path)) for n, mv in active_versions(session).items()
        }
    spec = backbone_spec(services)
    settings = services.settings
    # A local timm ViT weights file makes the vit fallback a probe on that ViT.
    vit_spec = (
        BackboneSpec(settings.vit_model, settings.vit_weights) if settings.vit_weights else None
    )
    trained = train_models(
        data,
        names,
        versions,
        settings.artifacts_dir,
        spec,
        progress=progress,
        report=report,
        vit_spec=vit_spec,
        tracking=tracking(services),
        views=settings.training_view_names,
    )
    if reviewed is not None:
        _compare_on_reviews(services, trained, data, reviewed, before, progress)
    outcomes = []
    stored: list[tuple[int, Path]] = []
    with session_scope(services.sessions) as session:
        active = active_versions(session)
        for model in trained:
            row = add_model_version(
                session,
                name=model.name,
                version=model.version,
                artifact_path=str(model.path.resolve()),
                backbone=model.meta.backbone_key,
                params_count=model.meta.n_parameters,
                metrics=model.meta.metrics,
            )
            make_active = activate_new or model.name not in active
            if make_active:
                activate(session, model.name, model.version)
            outcomes.append(
                TrainingOutcome(model.name, model.version, model.meta.metrics, make_active)
            )
            stored.append((row.id, model.path))
    for version_id, folder in stored:
        found = record_label_issues(services, version_id, folder)
        if found is not None:
            report(f"suspect catalogue labels: {found} (`vitrine data issues` lists them)")
    return outcomes


def _compare_on_reviews(
    services: Services,
    trained: Sequence[Any],
    data: CatalogueData,
    reviewed: ReviewedData,
    before: dict[str, tuple[int, Path]],
    progress: bool,
) -> None:
    """Score each new version and the active one on the same data; into the new metrics."""
    artifacts_dir, spec = services.settings.artifacts_dir, backbone_spec(services)
    inputs = prepare_inputs(data, artifacts_dir, spec, progress=progress)
    test = data.index("test")
    on_test = (inputs.take(test), data.labels[test])
    on_reviewed = None
    if len(reviewed.reviewed.ids):
        scored = prepare_inputs(reviewed.reviewed, artifacts_dir, spec, progress=progress)
        on_reviewed = (scored, reviewed.reviewed.labels)
    for model in trained:
        if model.meta.backbone_key != spec.key:
            continue  # reads another backbone's features (a local timm ViT)
        version, folder = before.get(model.name, (None, None))
        model.meta.metrics["reviews"] = comparison(
            model.path, folder, on_test, on_reviewed, reviewed, version
        )


def activate_best(services: Services, names: Sequence[str] = SERVING) -> dict[str, int]:
    """Activate, for each name, the version with the best validation accuracy."""
    chosen = {}
    with session_scope(services.sessions) as session:
        for name in names:
            best = best_version(session, name)
            if best is not None:
                activate(session, name, best.version)
                chosen[name] = best.version
    return chosen


def evaluate(
    services: Services, names: Sequence[str] | None = None, *, progress: bool = True
) -> dict[str, dict]:
    """Re-score the active versions (of `names`) on today's test split; store the metrics."""
    require_train_extra("evaluating")  # the fitted models are PyTorch and scikit-learn objects
    data = catalogue_data(services)
    with session_scope(services.sessions) as session:
        active = {
            name: (mv.version, mv.artifact_path)
            for name, mv in active_versions(session).items()
            if names is None or name in names
        }
    if not active:
        raise NotEnoughData("no active model version; run `vitrine train` first")
    inputs = prepare_inputs(
        data, services.settings.artifacts_dir, backbone_spec(services), progress=progress
    )
    test = data.index("test")
    results = {}
    for name, (version, path) in sorted(active.items()):
        folder = Path(path)
        meta = ModelMeta.load(folder)
        estimator = load_estimator(folder)
        index = {c: i for i, c in enumerate(meta.classes)}
        known = np.array([c in index for c in data.labels[test]])
        labels = np.array([index[c] for c in data.labels[test][known]])
        proba = estimator.predict_proba(inputs.take(test[known]))
        metrics = classification_metrics(proba, labels, meta.classes)
        with session_scope(services.sessions) as session:
            update_metrics(session, name, version, metrics)
        results[name] = {"version": version, **metrics}
    return results
