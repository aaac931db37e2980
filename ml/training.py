"""Train, calibrate and evaluate models on a catalogue, and write each as a model version.

Fit on the train split, select (early stopping, regularisation) and calibrate on validation,
score on test. Works on arrays and paths; recording versions in a database is the caller's job.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import torch
from threadpoolctl import threadpool_limits

from ml import artifacts, label_issues
from ml.backbone import load_extractor, numpy_extractor
from ml.backbone_spec import BackboneSpec
from ml.calibration import TemperatureScaled, fit_temperature
from ml.doubt import DoubtModel
from ml.evaluation import classification_metrics
from ml.explain import CellHead
from ml.features import (
    CatalogueData,
    NotEnoughData,
    default_extractor,
    prepare_inputs,
    prepare_views,
)
from ml.images import decode_image, to_input
from ml.models.inputs import ModelInputs, TrainingViews
from ml.models.linear import LinearProbeClassifier, ProbeHead
from ml.models.registry import PRIMARY, card, create_model, with_members
from ml.models.torch_head import epoch_progress
from ml.onnx_export import export, export_backbone, quantize_backbone
from ml.tracking import Tracking, log_run

EMBEDDING = artifacts.BACKBONE_OUTPUTS[0]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainedModel:
    name: str
    version: int
    path: Path
    meta: artifacts.ModelMeta


def train_models(
    data: CatalogueData,
    names: Sequence[str],
    versions: dict[str, int],
    artifacts_dir: Path,
    spec: BackboneSpec | None = None,
    *,
    progress: bool = True,
    report: Callable[[str], None] = log.info,
    configs: dict[str, dict[str, Any]] | None = None,
    vit_spec: BackboneSpec | None = None,
    tracking: Tracking | None = None,
    views: Sequence[str] = (),
) -> list[TrainedModel]:
    """Train `names` (in registry order), writing version `versions[name]` of each.

    Models whose card learns from views are also fitted on `views` (`ml.views`) of the train
    split's photos.

    With `vit_spec` (a timm ViT and its local weights), the `vit` fallback is a linear probe on
    that ViT's embedding, served with its own backbone; otherwise it is the hybrid ViT over the
    shared backbone's feature map.
    """
    spec = spec or BackboneSpec()
    configs = configs or {}
    wanted = with_members(names)  # raises UnknownModel for a name no model registered
    train, val, test = data.index("train"), data.index("validation"), data.index("test")
    for split, idx in (("train", train), ("validation", val), ("test", test)):
        if len(idx) == 0:
            raise NotEnoughData(f"the {split} split is empty; load a larger catalogue")
    if len(np.unique(data.labels[train])) < 2:
        raise NotEnoughData("the train split needs at least two categories")

    extractor = load_extractor(spec)
    backbone_path = artifacts.backbone_onnx_path(artifacts_dir, spec.key)
    if not backbone_path.exists():
        report("exporting the backbone to ONNX")
        export_backbone(extractor, backbone_path)
    head_path = artifacts.cell_head_path(artifacts_dir, spec.key)
    if extractor.is_efficientnet and not head_path.exists():
        CellHead.from_network(extractor.network).save(head_path)
    int8_path = artifacts.backbone_onnx_path(artifacts_dir, spec.key, int8=True)
    if not int8_path.exists():
        report("quantising the backbone to int8 (calibrated on training images)")
        calibration = [
            to_input(decode_image(data.image_paths[i].read_bytes()))[None] for i in train[:64]
        ]
        quantize_backbone(backbone_path, int8_path, calibration)
    # Features from the exported backbone: the same numbers as `extractor`'s, six times faster.
    backbone = default_extractor(artifacts_dir, spec)
    inputs = prepare_inputs(data, artifacts_dir, spec, backbone, progress)
    training_views = None
    if views and any(card(n).learns_from_views for n in wanted):
        report(f"augmented views of the training photos: {', '.join(views)}")
        training_views = prepare_views(data, train, views, artifacts_dir, spec, backbone, progress)
    backbone_ms = _backbone_latency(backbone_path, data.image_paths[:16])
    timm_vit = vit_spec is not None and any(card(n).timm_substitute for n in names)
    if timm_vit:
        assert vit_spec is not None
        vit_extractor = load_extractor(vit_spec)
        vit_backbone = artifacts.backbone_onnx_path(artifacts_dir, vit_spec.key)
        if not vit_backbone.exists():
            report(f"exporting the ViT backbone {vit_spec.name} to ONNX")
            export_backbone(vit_extractor, vit_backbone)
        vit_inputs = prepare_inputs(
            data, artifacts_dir, vit_spec, numpy_extractor(vit_extractor), progress
        )
        vit_ms = _backbone_latency(vit_backbone, data.image_paths[:16])

    classes = np.unique(data.labels[train])
    y = data.labels
    label_index = {c: i for i, c in enumerate(classes)}
    y_test = np.array([label_index.get(c, -1) for c in y[test]])
    fitted: dict[str, TemperatureScaled] = {}
    results = []
    for step, name in enumerate(wanted, start=1):
        started = time.perf_counter()
        own = timm_vit and card(name).timm_substitute  # reads another backbone's features
        X = vit_inputs if own else inputs
        # Members must read the same features: a timm ViT stand-in sits the vote out.
        members = {m: f for m, f in fitted.items() if not (timm_vit and card(m).timm_substitute)}
        # Said before each fit, with an epoch bar for the neural heads: the ViT alone took
        # 12 minutes on a busy machine, and nothing said that it was running.
        report(f"training {name} ({step} of {len(wanted)})")
        with epoch_progress(f"{name} epochs" if progress else None):
            calibrated = fit_calibrated(
                name,
                X,
                y,
                train,
                val,
                members=members,
                config=configs.get(name),
                timm_probe=own,
                views=training_views,
            )
        fitted[name] = calibrated
        if name not in names:
            continue  # fitted only as a member of another model
        model = calibrated.estimator
        proba = calibrated.predict_proba(X.take(test))
        known = y_test >= 0
        metrics = classification_metrics(proba[known], y_test[known], list(classes))
        metrics["ece_uncalibrated"] = classification_metrics(
            model.predict_proba(X.take(test))[known], y_test[known], list(classes)
        )["ece"]
        # As when fitting: validation rows of a class no training row has (every one of them
        # relabelled by reviewers) cannot be answered, so they are not scored.
        val_known = val[np.isin(y[val], classes)]
        y_val = np.array([label_index[c] for c in y[val_known]])
        val_pred = calibrated.predict_proba(X.take(val_known)).argmax(axis=1)
        metrics["val_accuracy"] = float((val_pred == y_val).mean())
        metrics["train_seconds"] = round(time.perf_counter() - started, 2)
        metrics["n_parameters"] = int(calibrated.n_parameters_)
        head_ms = _head_latency(calibrated, X.take(test[:20]))
        image_ms = (vit_ms if own else backbone_ms) if card(name).reads_image else 0.0
        metrics["latency_ms"] = round(head_ms + image_ms, 3)
        folder = artifacts.version_dir(artifacts_dir, name, versions[name])
        folder.mkdir(parents=True, exist_ok=True)
        serving = None
        if own:
            _export_timm_probe(ProbeHead(model), X, folder)
            serving = "vit-embedding"
        elif card(name).inputs:
            model.export_serving(X, card(name).inputs, folder)
            serving = name
        meta = artifacts.ModelMeta(
            name=name,
            version=versions[name],
            classes=[str(c) for c in classes],
            temperature=calibrated.temperature,
            backbone_key=vit_spec.key if own and vit_spec else spec.key,
            backbone_source=vit_spec.source if own and vit_spec else spec.source,
            n_parameters=int(calibrated.n_parameters_),
            metrics=metrics,
            serving=serving,
            views=list(views)
            if training_views and card(name).learns_from_views and not own
            else [],
        )
        artifacts.save_estimator(folder, calibrated)
        if serving is not None:
            joblib.dump(fit_doubt(calibrated, X, y, train, val), folder / artifacts.DOUBT)
        meta.save(folder)
        if name == PRIMARY:
            report("looking for suspect catalogue labels (out-of-fold answers, cleanlab)")
            issues = find_suspect_labels(name, X, data, configs.get(name))
            if issues is not None:
                label_issues.save(issues, folder)
        run = log_run(
            tracking,
            f"{name}-v{versions[name]}",
            {
                "model": name,
                "version": versions[name],
                "backbone": meta.backbone_key,
                **(configs.get(name) or {}),
            },
            {
                **{f"test_{k}": float(metrics[k]) for k in ("accuracy", "macro_f1", "ece")},
                "validation_accuracy": float(metrics["val_accuracy"]),
                "latency_ms": float(metrics["latency_ms"]),
                "train_seconds": float(metrics["train_seconds"]),
            },
            {
                "confusion_matrix.json": {
                    "classes": metrics.get("classes"),
                    "matrix": metrics.get("confusion_matrix"),
                }
            },
            folder,
        )
        if run is not None:
            report(f"{name} v{versions[name]}: MLflow run {run}")
        report(
            f"{name} v{versions[name]}: accuracy {metrics['accuracy']:.3f}, "
            f"macro-F1 {metrics['macro_f1']:.3f}, ECE {metrics['ece']:.3f}"
        )
        results.append(TrainedModel(name, versions[name], folder, meta))
    return results


def fit_calibrated(
    name: str,
    X: ModelInputs,
    y: np.ndarray,
    train: np.ndarray,
    val: np.ndarray,
    *,
    members: dict[str, TemperatureScaled] | None = None,
    config: dict[str, Any] | None = None,
    timm_probe: bool = False,
    blas_threads: int | None = 1,
    views: TrainingViews | None = None,
) -> TemperatureScaled:
    """Fit `name` on `train` (selecting on `val`) and temperature-scale it on `val`.

    The one recipe for a model: training and the style-shift evaluation both call it.
    The ensemble votes with the already fitted `members`. A model whose card learns from views
    is fitted on the `views` of the `train` photos too; selection and calibration never see a
    view. Validation rows of a category the
    train split lacks (a small catalogue with an art set held out) cannot be scored, so they
    are left out of selection and calibration.

    One BLAS thread by default: on 2 shared cores OpenBLAS's own threads made these small
    logistic regressions about 5x slower (benchmarks/fit_threads.py); None leaves BLAS as it
    is. Torch's threads are not BLAS's and are not limited.
    """
    with threadpool_limits(limits=blas_threads, user_api="blas"):
        return _fit_calibrated(name, X, y, train, val, members, config, timm_probe, views)


def _fit_calibrated(
    name: str,
    X: ModelInputs,
    y: np.ndarray,
    train: np.ndarray,
    val: np.ndarray,
    members: dict[str, TemperatureScaled] | None,
    config: dict[str, Any] | None,
    timm_probe: bool,
    views: TrainingViews | None,
) -> TemperatureScaled:
    val = val[np.isin(y[val], np.unique(y[train]))]
    X_train, y_train = X.take(train), y[train]
    if views is not None and card(name).learns_from_views and not timm_probe:
        seen = views.of(train)
        X_train = X_train.extended(views.inputs.take(seen))
        y_train = np.concatenate([y_train, y[views.products[seen]]])
    if card(name).members:
        members = members or {}
        chosen = [(m, members[m].estimator) for m in card(name).members if m in members]
        model = create_model(name, estimators=chosen, prefit=True).fit(X_train, y_train)
    elif timm_probe:
        model = LinearProbeClassifier().fit(X_train, y_train, eval_set=(X.take(val), y[val]))
    else:
        model = create_model(name, **(config or {})).fit(
            X_train, y_train, eval_set=(X.take(val), y[val])
        )
    label_index = {c: i for i, c in enumerate(model.classes_)}
    y_val = np.array([label_index[c] for c in y[val]])
    temperature = fit_temperature(model.decision_function(X.take(val)), y_val)
    return TemperatureScaled(model, temperature)


def find_suspect_labels(
    name: str, X: ModelInputs, data: CatalogueData, config: dict[str, Any] | None = None
) -> list[label_issues.LabelIssue] | None:
    """Suspect labels over the whole catalogue, from `name` refitted on k folds (None when a
    category has fewer than 2 products: no fold split can hold one out)."""
    labels = np.asarray(data.labels)
    classes = [str(c) for c in np.unique(labels)]
    smallest = min(int((labels == c).sum()) for c in classes)
    if len(classes) < 2 or smallest < 2:
        return None

    def fit(X_fold: ModelInputs, y_fold: np.ndarray) -> Any:
        return create_model(name, **(config or {})).fit(X_fold, y_fold)

    with threadpool_limits(limits=1, user_api="blas"):
        proba = label_issues.out_of_fold_proba(fit, X, labels, classes, folds=min(5, smallest))
    return label_issues.label_issues(proba, labels, classes, data.ids, X.embeddings)


def fit_doubt(
    calibrated: TemperatureScaled,
    X: ModelInputs,
    y: np.ndarray,
    train: np.ndarray,
    val: np.ndarray,
) -> DoubtModel:
    """The review flag of a fitted model, set on its validation split."""
    classes = [str(c) for c in calibrated.classes_]
    index = {c: i for i, c in enumerate(classes)}
    val = val[np.isin(y[val], calibrated.classes_)]
    return DoubtModel().fit(
        X.embeddings[train],
        X.embeddings[val],
        calibrated.predict_proba(X.take(val)),
        np.array([index[str(c)] for c in y[val]]),
        classes,
    )


def _export_timm_probe(module: torch.nn.Module, X: ModelInputs, folder: Path) -> None:
    """A probe on a timm ViT's embedding, served with that ViT's own backbone."""
    example = (torch.from_numpy(np.ascontiguousarray(X.embeddings[:1])),)
    export(module, example, [EMBEDDING], [artifacts.LOGITS], folder / artifacts.HEAD)


def _backbone_latency(backbone_onnx: Path, paths: Sequence[Path]) -> float:
    """Median serving time (ONNX Runtime) of decode + preprocess + backbone for one image."""
    from ml.predictor import session

    backbone = session(backbone_onnx)
    timings = []
    for path in paths:
        data = path.read_bytes()
        started = time.perf_counter()
        backbone.run(None, {artifacts.IMAGE: to_input(decode_image(data))[None]})
        timings.append((time.perf_counter() - started) * 1000)
    return float(np.median(timings)) if timings else 0.0


def _head_latency(model: Any, inputs: ModelInputs) -> float:
    timings = []
    for i in range(len(inputs)):
        row = inputs.take([i])
        started = time.perf_counter()
        model.predict_proba(row)
        timings.append((time.perf_counter() - started) * 1000)
    return float(np.median(timings)) if timings else 0.0
