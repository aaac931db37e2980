"""Training on what reviewers decided: corrected catalogue labels replace the given ones, and
reviewed uploads join the train split; then the new version and the active one are scored on
the same (corrected) test split and on the reviewed predictions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dashboard.services import imagestore
from dashboard.services.state import Services
from db.engine import session_scope
from db.repo_models import list_model_versions
from db.repo_reviews import label_decisions, reviewed_predictions
from ml.artifacts import ModelMeta, load_estimator
from ml.evaluation import classification_metrics
from ml.features import CatalogueData
from ml.models.inputs import ModelInputs


@dataclass(frozen=True)
class ReviewedData:
    corrected: int  # catalogue labels a reviewer changed
    added: int  # reviewed uploads added to the train split
    reviewed: CatalogueData  # every reviewed prediction, labelled as decided (to score on)


def _catalogue(rows: list[tuple[str, str, str, Path, str]], split: str) -> CatalogueData:
    """(id, text, image sha, image path, label) rows as CatalogueData, all in `split`."""
    return CatalogueData(
        ids=[r[0] for r in rows],
        labels=np.array([r[4] for r in rows], dtype=str),
        splits=np.array([split] * len(rows), dtype=str),
        texts=tuple(r[1] for r in rows),
        image_shas=[r[2] for r in rows],
        image_paths=[r[3] for r in rows],
    )


def with_reviews(services: Services, data: CatalogueData) -> tuple[CatalogueData, ReviewedData]:
    """`data` with reviewers' decisions applied, and what changed."""
    data_dir = services.settings.data_dir
    with session_scope(services.sessions) as session:
        decisions = label_decisions(session)
        reviewed = [
            (p.id, p.product_uniq_id, p.image_sha256, p.input_text or "", r.category)
            for p, r in reviewed_predictions(session)
        ]
    labels = np.array(
        [decisions.get(uid, str(c)) for uid, c in zip(data.ids, data.labels, strict=True)]
    )
    corrected = int((labels != data.labels).sum())
    rows = []
    uploads: dict[tuple[str, str], tuple[str, str, str, Path, str]] = {}
    for prediction_id, product_id, sha, text, category in reviewed:  # oldest first
        path = imagestore.find(data_dir, sha)
        if path is None:
            continue  # the photo was pruned: nothing left to learn from or score on
        row = (product_id or f"prediction-{prediction_id}", text, sha, path, category)
        rows.append(row)
        if product_id is None:  # a catalogue product's own row is already there
            uploads[(sha, text)] = row  # once per photo and text; the newest decision wins
    extra = _catalogue(list(uploads.values()), "train")
    merged = CatalogueData(
        ids=[*data.ids, *extra.ids],
        labels=np.concatenate([labels, extra.labels]),
        splits=np.concatenate([data.splits, extra.splits]),
        texts=(*data.texts, *extra.texts),
        image_shas=[*data.image_shas, *extra.image_shas],
        image_paths=[*data.image_paths, *extra.image_paths],
    )
    return merged, ReviewedData(corrected, len(uploads), _catalogue(rows, "reviewed"))


def score(folder: Path, inputs: ModelInputs, labels: np.ndarray) -> float | None:
    """Accuracy of the version in `folder` on `inputs` (None when none is scorable)."""
    meta = ModelMeta.load(folder)
    index = {c: i for i, c in enumerate(meta.classes)}
    known = np.array([c in index for c in labels], dtype=bool)
    if not known.any():
        return None
    proba = load_estimator(folder).predict_proba(inputs.take(np.where(known)[0]))
    truth = np.array([index[c] for c in labels[known]])
    return float(classification_metrics(proba, truth, meta.classes)["accuracy"])


def comparison(
    new: Path,
    active: Path | None,
    test: tuple[ModelInputs, np.ndarray],
    reviewed: tuple[ModelInputs, np.ndarray] | None,
    info: ReviewedData,
    active_version: int | None,
) -> dict[str, Any]:
    """What the Models page shows of a version trained on reviews, beside the active one."""
    out: dict[str, Any] = {
        "corrected_labels": info.corrected,
        "added_examples": info.added,
        "reviewed_items": 0 if reviewed is None else len(reviewed[1]),
        "test_accuracy": score(new, *test),
        "reviewed_accuracy": None if reviewed is None else score(new, *reviewed),
    }
    if active is not None:
        out["active"] = {
            "version": active_version,
            "test_accuracy": score(active, *test),
            "reviewed_accuracy": None if reviewed is None else score(active, *reviewed),
        }
    return out


@dataclass(frozen=True)
class ReviewedVersion:
    name: str
    version: int
    active: bool
    reviews: dict[str, Any]  # review_training.comparison's figures


def reviewed_versions(services: Services) -> list[ReviewedVersion]:
    """Versions trained on reviews, newest first."""
    with session_scope(services.sessions) as session:
        rows = list_model_versions(session)
        found = [
            ReviewedVersion(v.name, v.version, v.is_active, v.metrics["reviews"])
            for v in rows
            if isinstance(v.metrics, dict) and v.metrics.get("reviews")
        ]
    return sorted(found, key=lambda v: (v.name, -v.version))
