"""Explain a recorded prediction: its image (fast cell mode or pixel mode) and its text.

Results are kept in `Services.results` by (model version, image hash, text hash, class, mode),
so a repeat is instant in any worker; the inputs come from the content-addressed image store and
the audit row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from dashboard.services import imagestore
from dashboard.services.prediction import predictor_for
from dashboard.services.shadow import shadow_scorer
from dashboard.services.state import Services
from dashboard.services.training import backbone_spec, catalogue_data
from db.engine import session_scope
from db.models import Prediction
from db.repo_models import get_version
from db.repo_predictions import get_prediction
from db.repo_shadow import shadow_answers_of
from ml import artifacts
from ml.artifacts import TFIDF
from ml.calibration import calibrated_proba
from ml.explain import (
    CellExplainer,
    CellHead,
    ImageExplanation,
    TextExplanation,
    class_log_odds,
    fusion_cell_function,
    normalise_batch,
    pixel_explanation,
    square_input,
    text_explanation,
    vit_cell_function,
)
from ml.extras import require_train_extra
from ml.features import prepare_inputs
from ml.images import decode_image, to_input
from ml.predictor import Predictor, ServingHead
from ml.wording import Phrase

DEFAULT_PIXEL_EVALS = 300
DEFAULT_CELL_EVALS = 1000  # CellExplainer's own default
FMAP = artifacts.BACKBONE_OUTPUTS[1]
Progress = Callable[[int, int], None]


class NotExplainable(LookupError):
    pass


@dataclass(frozen=True)
class PredictionExplanation:
    prediction_id: int
    model: str
    version: int
    classes: list[str]
    target: str
    probabilities: dict[str, float]
    image: ImageExplanation
    text: TextExplanation | None
    photo: np.ndarray  # uint8 [224, 224, 3] as the model saw it
    cached: bool = False


def cell_head(services: Services) -> CellHead:
    """Saved at training time; derived once from the network for older artifacts."""
    spec = backbone_spec(services)
    path = artifacts.cell_head_path(services.settings.artifacts_dir, spec.key)
    if not path.exists():
        require_train_extra("the fast image map of a backbone trained before cell heads were saved")
        from ml.backbone import load_classifier

        path.parent.mkdir(parents=True, exist_ok=True)
        CellHead.from_network(load_classifier(spec)).save(path)
    return CellHead.load(path)


def mean_fmap(services: Services) -> np.ndarray:
    """The training split's mean feature map: what a masked cell is replaced with."""
    spec = backbone_spec(services)
    path = services.settings.artifacts_dir / "explain" / f"mean-fmap-{spec.key}.npy"
    if path.exists():
        return np.load(path)
    data = catalogue_data(services)
    train = data.index("train")
    inputs = prepare_inputs(data, services.settings.artifacts_dir, spec, progress=False)
    mean = inputs.fmaps[train].mean(axis=0).astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, mean)
    return mean


def _inputs(services: Services, row: Prediction) -> tuple[bytes, str]:
    path = imagestore.find(services.settings.data_dir, row.image_sha256)
    if path is None:
        raise NotExplainable(Phrase("the image of this prediction is no longer stored"))
    return path.read_bytes(), row.input_text or ""


def stored_inputs(services: Services, prediction_id: int) -> tuple[bytes, str]:
    """The photo and text a recorded prediction read (check who may see it first)."""
    with session_scope(services.sessions) as session:
        row = get_prediction(session, prediction_id)
        if row is None:
            raise NotExplainable(Phrase("no prediction #%(id)s", id=prediction_id))
        return _inputs(services, row)


def _text_background(services: Services, vectorizer: Any) -> np.ndarray:
    """TF-IDF of up to 200 training texts: the reference the text SHAP values are against."""

    def build() -> np.ndarray:
        data = catalogue_data(services)
        train = data.index("train")[:200]
        return vectorizer.transform([data.texts[i] for i in train]).toarray()

    return services.memo.get("explain.text_background", id(vectorizer), build)


@dataclass(frozen=True)
class ExplanationLookup:
    """Where an explanation is (or will be) cached, and whether it is computed on pixels."""

    key: str
    pixels: bool
    cached: PredictionExplanation | None
    model: str
    version: int


def find_explanation(
    services: Services,
    prediction_id: int,
    *,
    target: str | None = None,
    pixels: bool = False,
    max_evals: int = DEFAULT_PIXEL_EVALS,
    only_by: int | None = None,
    shadow: bool = False,
) -> ExplanationLookup:
    """Check that a prediction can be explained and look its explanation up, computing nothing.
    With `only_by`, a prediction of another account is treated as one that does not exist,
    so its photo, text and even its existence stay private. With `shadow`, the answer of the
    version in shadow to it is explained instead of the live one."""
    return _lookup(services, prediction_id, target, pixels, max_evals, only_by, shadow)[0]


def _lookup(
    services: Services,
    prediction_id: int,
    target: str | None,
    pixels: bool,
    max_evals: int,
    only_by: int | None,
    shadow: bool = False,
) -> tuple[ExplanationLookup, bytes, str, Predictor]:
    with session_scope(services.sessions) as session:
        row = get_prediction(session, prediction_id)
        if row is None or (only_by is not None and row.user_id != only_by):
            raise NotExplainable(Phrase("no prediction #%(id)s", id=prediction_id))
        image_bytes, text = _inputs(services, row)
        model, version = row.model_name, row.model_version
        if shadow:
            answer = shadow_answers_of(session, [prediction_id]).get(prediction_id)
            if answer is None:
                raise NotExplainable(
                    Phrase("no shadow version answered prediction #%(id)s", id=prediction_id)
                )
            model, version = answer.model_name, answer.model_version
    if shadow:
        scorer = shadow_scorer(services)
        if scorer is None or (model, version) not in scorer.shadows:
            raise NotExplainable(
                Phrase(
                    "%(model)s v%(version)s is no longer in shadow", model=model, version=version
                )
            )
        predictor = scorer.predictor
    else:
        predictor = predictor_for(services)
    try:
        served = predictor.head_for(model)
    except KeyError:
        raise NotExplainable(
            Phrase(
                "%(model)s v%(version)s no longer answers predictions", model=model, version=version
            )
        ) from None
    if served.meta.version != version:
        raise NotExplainable(
            Phrase(
                "%(model)s v%(version)s is no longer the active version",
                model=model,
                version=version,
            )
        )
    if served.meta.serving == "vit-embedding":
        raise NotExplainable(Phrase("explanations of a timm ViT fallback are not available yet"))
    # The fast map reads the backbone's last feature map; a head that reads earlier stages
    # too is explained on pixels (the one exact map for it).
    pixels = pixels or not reads_feature_map(served)
    key = "explanation:" + "|".join(
        map(
            str,
            (
                model,
                version,
                hashlib.sha256(image_bytes).hexdigest(),
                hashlib.sha256(text.encode()).hexdigest(),
                target or None,
                pixels,
                max_evals,
            ),
        )
    )
    cached = services.results.get(key)
    if cached is not None:
        cached = replace(cached, prediction_id=prediction_id, cached=True)
    return ExplanationLookup(key, pixels, cached, model, version), image_bytes, text, predictor


def explain_prediction(
    services: Services,
    prediction_id: int,
    *,
    target: str | None = None,
    pixels: bool = False,
    max_evals: int = DEFAULT_PIXEL_EVALS,
    progress: Progress | None = None,
    only_by: int | None = None,
    shadow: bool = False,
) -> PredictionExplanation:
    """`progress(done, total)` hears of model evaluations as a pixel explanation runs;
    `only_by` and `shadow` as in `find_explanation`."""
    found, image_bytes, text, predictor = _lookup(
        services, prediction_id, target, pixels, max_evals, only_by, shadow
    )
    if found.cached is not None:
        return found.cached
    result = _explain(
        services,
        predictor,
        found.model,
        predictor.head_for(found.model).meta.classes,
        image_bytes,
        text,
        target or None,
        found.pixels,
        max_evals,
        prediction_id,
        found.version,
        progress,
    )
    services.results.set(found.key, result)
    return result


def _explain(
    services: Services,
    predictor: Predictor,
    model: str,
    classes: list[str],
    image_bytes: bytes,
    text: str,
    target: str | None,
    pixels: bool,
    max_evals: int,
    prediction_id: int,
    version: int,
    progress: Progress | None,
) -> PredictionExplanation:
    served = predictor.head_for(model)
    image = decode_image(image_bytes, predictor.limits)
    photo = square_input(image)
    pixels_in = to_input(image)[None]
    features = predictor.features(pixels_in)
    fmap = features[FMAP]
    tfidf = None
    if TFIDF in served.inputs:
        tfidf = served.tfidf([text])
        features[TFIDF] = tfidf
    logits = served.logits(features)
    proba = calibrated_proba(logits, served.meta.temperature)[0]
    if target is None or target not in classes:
        target = classes[int(proba.argmax())]
    index = classes.index(target)
    if pixels:
        evaluated = 0

        def predict_proba(batch: np.ndarray) -> np.ndarray:
            nonlocal evaluated
            feeds = predictor.features(normalise_batch(batch))
            if tfidf is not None:
                feeds[TFIDF] = np.repeat(tfidf, len(batch), axis=0)
            out = served.logits(feeds)
            evaluated += len(batch)
            if progress is not None:
                progress(min(evaluated, max_evals), max_evals)
            return class_log_odds(out, served.meta.temperature)

        image_explanation = pixel_explanation(
            predict_proba, photo, index, target, max_evals=max_evals
        )
    else:
        mean = mean_fmap(services)
        if tfidf is not None:
            cells = fusion_cell_function(
                cell_head(services),
                served.head,
                served.meta.temperature,
                fmap[0],
                mean,
                tfidf,
                index,
            )
        else:
            cells = vit_cell_function(served.head, served.meta.temperature, fmap[0], mean, index)
        image_explanation = CellExplainer(cells).explain(target)
    text_part = None
    if tfidf is not None and text.strip():
        text_part = text_explanation(
            served.vectorizer,
            _text_model(services, served, version),
            _text_background(services, served.vectorizer),
            text,
            index,
            target,
        )
    return PredictionExplanation(
        prediction_id,
        model,
        version,
        classes,
        target,
        {c: float(p) for c, p in zip(classes, proba, strict=True)},
        image_explanation,
        text_part,
        photo,
    )


def explain_product(
    services: Services, image_bytes: bytes, text: str, target: str
) -> PredictionExplanation:
    """The active fusion's fast explanation of inputs that are no recorded prediction (a
    catalogue product), towards `target`; not cached."""
    predictor = predictor_for(services)
    meta = predictor.fusion.meta
    return _explain(
        services, predictor, meta.name, meta.classes, image_bytes, text, target,
        False, DEFAULT_CELL_EVALS, 0, meta.version, None,
    )  # fmt: skip


def text_branch(services: Services) -> tuple[Any, Any, np.ndarray]:
    """The active fusion's vectorizer, text branch and SHAP background (see text_explanation)."""
    served = predictor_for(services).fusion
    branch = _text_model(services, served, served.meta.version)
    return served.vectorizer, branch, _text_background(services, served.vectorizer)


def _text_model(services: Services, served: ServingHead, version: int) -> Any:
    """The text branch of `served`'s model at `version`: saved apart since it serves without
    PyTorch; older versions keep it only inside the whole (PyTorch) model."""
    if served.meta.version == version and served.text_branch is not None:
        return served.text_branch
    folder = Path(served_dir(services, served.meta.name, version))
    if (folder / artifacts.TEXT_BRANCH).exists():
        return joblib.load(folder / artifacts.TEXT_BRANCH)
    require_train_extra(f"explaining the words of {served.meta.name} v{version}")
    return artifacts.load_estimator(folder).estimator.text_


def reads_feature_map(served: ServingHead) -> bool:
    """Whether the fast 7x7 cell map applies: the head reads the backbone's last feature map
    (the hybrid ViT) or reads text besides the embedding (fusion), whose image part is the
    pooled feature map."""
    return TFIDF in served.inputs or served.inputs == [FMAP]


def served_dir(services: Services, model: str, version: int) -> str:
    with session_scope(services.sessions) as session:
        row = get_version(session, model, version)
        if row is None:
            raise NotExplainable(Phrase("no %(model)s v%(version)s", model=model, version=version))
        return row.artifact_path
