"""The style-shift report: leave-one-style-out over the demo catalogue's art sets, stored as JSON.

Art sets come from the side file the demo generator writes next to its CSV; a catalogue with
no such file (the real Flipkart sample) cannot be measured this way and says so.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from dashboard.services.state import Services
from dashboard.services.training import backbone_spec, catalogue_data
from ml.demo.catalogue import ART_SETS, read_art_sets
from ml.features import CatalogueData, prepare_inputs, prepare_views
from ml.models.inputs import ModelInputs, TrainingViews
from ml.models.registry import FALLBACK_CANDIDATES, card, choose_fallback, with_members
from ml.style_shift import SHIFT_MODELS, NoStyles, leave_one_style_out, mean_scores

# Where a served head's conformal sets are calibrated (said by the API and the Models page).
SETS_ACROSS_STYLES = "answers to art sets the model never saw (leave-one-style-out)"
SETS_ON_VALIDATION = "the validation split"


def default_art_sets(services: Services) -> Path:
    return services.settings.data_dir / "demo" / ART_SETS


def report_path(services: Services) -> Path:
    return services.settings.artifacts_dir / "evaluation" / "style-shift.json"


def scores_path(services: Services) -> Path:
    """Per model, the conformal scores of the held-out answers (calibrates the served sets)."""
    return services.settings.artifacts_dir / "evaluation" / "style-shift-conformal.npz"


class ShiftData(NamedTuple):
    """What leave-one-style-out reads, row-aligned with the stored catalogue."""

    data: CatalogueData
    styles: np.ndarray  # each product's art set, "" for none
    inputs: ModelInputs
    views: TrainingViews | None  # of the train split, when a model in the run learns from views


def shift_data(
    services: Services,
    views: Sequence[str],
    art_sets_file: Path | None = None,
    names: Sequence[str] = SHIFT_MODELS,
    *,
    progress: bool = True,
) -> ShiftData:
    art_sets_file = art_sets_file or default_art_sets(services)
    if not art_sets_file.exists():
        raise NoStyles(
            f"no art-set file at {art_sets_file}; style shift is measured on a demo catalogue "
            "(vitrine data demo writes one next to its CSV)"
        )
    art_sets = read_art_sets(art_sets_file.parent)
    data = catalogue_data(services)
    styles = np.array([art_sets.get(uid, "") for uid in data.ids])
    artifacts_dir, spec = services.settings.artifacts_dir, backbone_spec(services)
    inputs = prepare_inputs(data, artifacts_dir, spec, progress=progress)
    training_views = None
    if views and any(card(n).learns_from_views for n in with_members(names)):
        train = np.where(data.splits == "train")[0]
        training_views = prepare_views(data, train, views, artifacts_dir, spec, progress=progress)
    return ShiftData(data, styles, inputs, training_views)


def run_and_store(
    services: Services,
    art_sets_file: Path | None = None,
    names: Sequence[str] = SHIFT_MODELS,
    *,
    progress: bool = True,
    report: Callable[[str], None] | None = None,
    views: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Measure `names` leave-one-style-out on the stored catalogue; store and return the report.

    The probes learn from `views` of the training photos (default: the `training_views`
    setting, as `vitrine train` fits them). Measured with other views, the report is a
    comparison and is not stored (`"stored": False`): the stored one chooses the served
    fallback and calibrates its review sets, so it must describe the served recipe."""
    views = services.settings.training_view_names if views is None else tuple(views)
    data, styles, inputs, training_views = shift_data(
        services, views, art_sets_file, names, progress=progress
    )
    shift = leave_one_style_out(
        inputs,
        data.labels,
        data.splits,
        styles,
        names,
        review_threshold=services.settings.review_threshold,
        progress=progress,
        report=report,
        views=training_views,
    )
    means = mean_scores(shift.folds)
    result = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "art_sets": sorted({str(s) for s in styles if s}),
        "products": int((styles != "").sum()),
        "review_threshold": services.settings.review_threshold,
        "views": list(training_views.names) if training_views else [],
        "folds": [s.to_dict() for s in shift.folds],
        "means": means,
    }
    accuracy = {n: m["accuracy"] for n, m in means.items() if n in FALLBACK_CANDIDATES}
    if accuracy:
        result["fallback"] = choose_fallback(accuracy)
    result["stored"] = views == services.settings.training_view_names
    if not result["stored"]:
        return result
    path = report_path(services)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The scores first: a report is never served with another run's calibration.
    scores_tmp = path.with_suffix(".tmp.npz")
    with scores_tmp.open("wb") as handle:
        np.savez(handle, allow_pickle=False, **shift.conformal_scores)
    scores_tmp.replace(scores_path(services))
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=1))
    tmp.replace(path)
    return result


def conformal_calibration(services: Services) -> tuple[object, dict[str, np.ndarray]]:
    """(a key that changes with the file, per model the scores its served sets calibrate on).

    Answers of models that never saw the answered art set: sets calibrated on them keep
    their coverage on photos unlike the catalogue, where validation-calibrated ones fall short.
    """
    path = scores_path(services)
    try:
        key: object = (path, path.stat().st_mtime)
    except FileNotFoundError:
        return None, {}

    def read() -> dict[str, np.ndarray]:
        with np.load(path) as stored:
            return {name: stored[name] for name in stored.files}

    return key, services.memo.get("style_shift.conformal", key, read)


def sets_calibrated_on(services: Services, name: str) -> str:
    """What the served sets of model `name` are calibrated on."""
    return SETS_ACROSS_STYLES if name in conformal_calibration(services)[1] else SETS_ON_VALIDATION


def latest(services: Services) -> dict[str, Any] | None:
    path = report_path(services)
    if not path.exists():
        return None
    return json.loads(path.read_text())


def shift_accuracy(services: Services) -> dict[str, float | None]:
    """Mean leave-one-style-out accuracy per model name, from the stored report.

    Read on every prediction (it picks the fallback), so kept while the file is unchanged.
    """
    path = report_path(services)
    try:
        key = (path, path.stat().st_mtime)
    except FileNotFoundError:
        return {}

    def read() -> dict[str, float | None]:
        stored = json.loads(path.read_text())
        return {name: m.get("accuracy") for name, m in stored["means"].items()}

    return services.memo.get("style_shift.accuracy", key, read)
