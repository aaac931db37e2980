"""The one prediction path: the ONNX Predictor for the answer, the audit trail for the record.

The UI, the API and batch scoring all call `predict_and_record`; no prediction is returned
without its audit row.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import Counter
from sqlalchemy.exc import SQLAlchemyError

from dashboard.services import imagestore, shadow, style_shift
from dashboard.services.products import find_product, product_image
from dashboard.services.serving import fallback_name, image_limits
from dashboard.services.state import Services
from db.engine import answer_within, session_scope
from db.models import Prediction as PredictionRow
from db.repo_models import active_versions, get_version
from db.repo_predictions import record_prediction
from db.repo_shadow import shadow_versions
from ml.doubt import review_sentence
from ml.models.inputs import product_text
from ml.models.registry import FALLBACK_CANDIDATES, PRIMARY
from ml.predictor import Prediction, Predictor
from ml.wording import Phrase, Translate, english

log = logging.getLogger(__name__)
SOURCES = ("ui", "api", "batch")
# Served at /metrics with the HTTP figures (dashboard.web.metrics); labels never carry user input.
PREDICTIONS = Counter(
    "vitrine_predictions_total",
    "Predictions recorded in the audit trail.",
    ["model", "version", "category", "source"],
)


class ModelsNotReady(RuntimeError):
    phrase = Phrase(
        "no active fusion and image-only fallback model; "
        "run `vitrine train` (or `vitrine demo`) first"
    )

    def __str__(self) -> str:
        return str(self.phrase)


class AuditUnavailable(RuntimeError):
    def __str__(self) -> str:
        return "the audit trail could not be written, so no prediction was returned"


class TextRejected(ValueError):
    """Text that cannot be used: `code` is too_long or control_characters."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class MissingImage(ValueError):
    phrase = Phrase("Choose a product photo, or give a catalogue product id.")

    def __str__(self) -> str:
        return str(self.phrase)


@dataclass(frozen=True)
class Inputs:
    """What a prediction reads: the photo, the text, and the catalogue product they came from."""

    image: bytes
    text: str
    product_id: str | None


def resolve_inputs(
    services: Services, image: bytes | None, text: str | None, product_id: str | None
) -> Inputs:
    """An uploaded photo and text, completed from the catalogue product `product_id` names: its
    photo when none was sent, and its name and description when no text was given either.
    Raises InvalidProductId, UnknownProduct or MissingImage."""
    product_id = (product_id or "").strip() or None
    if product_id is not None:
        product = find_product(services, product_id)
        if image is None:
            image = product_image(services, product).read_bytes()
            text = text or product_text(product.product_name, product.description)
    if image is None:
        raise MissingImage()
    return Inputs(image, text or "", product_id)


@dataclass(frozen=True)
class Recorded:
    prediction: Prediction
    prediction_id: int
    request_id: str


def predictor_for(services: Services) -> Predictor:
    """The Predictor of the active fusion and fallback versions, loaded once per Services."""
    with session_scope(services.sessions) as session:
        active = active_versions(session)
        if PRIMARY not in active or not set(active) & set(FALLBACK_CANDIDATES):
            raise ModelsNotReady()
        fusion, fallback = active[PRIMARY], active[fallback_name(services, active)]
        calibration_key, calibration = style_shift.conformal_calibration(services)
        key = (
            fusion.id,
            fusion.artifact_path,
            fallback.id,
            fallback.artifact_path,
            services.settings.int8_backbone,
            services.settings.review_threshold,
            image_limits(services),
            calibration_key,
        )
    settings = services.settings

    def load() -> Predictor:
        predictor = Predictor.from_artifacts(
            settings.artifacts_dir,
            Path(key[1]),
            Path(key[3]),
            review_threshold=settings.review_threshold,
            limits=key[6],
            threads=settings.onnx_threads,
            int8=settings.int8_backbone,
        )
        predictor.calibrate_sets(calibration, style_shift.SETS_ACROSS_STYLES)
        return predictor

    # Only the active pair is kept in memory.
    return services.memo.get("predictor", key, load)


def preload_models(services: Services) -> bool:
    """Load the active models now (before a server forks its workers), if there are any.

    Never fatal: without models or a database the app still starts and says why per request.
    The pool's connections are closed afterwards so forked workers never share a socket.
    """
    try:
        predictor_for(services)
    except (ModelsNotReady, SQLAlchemyError, OSError) as exc:
        log.info("models not preloaded: %s", exc.__class__.__name__)
        return False
    finally:
        services.engine.dispose()
    return True


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Requester:
    """The signed-in account a prediction is recorded for (None: open mode, the CLI)."""

    user_id: int
    username: str


def check_text(services: Services, text: str | None) -> str:
    """The text as given, or TextRejected before anything is predicted or stored."""
    text = text or ""
    if len(text) > services.settings.max_text_chars:
        limit = services.settings.max_text_chars
        raise TextRejected(
            "too_long", Phrase("the text is longer than %(limit)s characters", limit=limit)
        )
    if unprintable(text):
        raise TextRejected(
            "control_characters",
            Phrase("the text holds control characters (only tabs and line breaks are allowed)"),
        )
    return text


def unprintable(text: str, allowed: str = "\t\n\r") -> bool:
    """Whether `text` holds a control character (other than those `allowed`: by default tab
    and line breaks) or half of a UTF-16 pair: PostgreSQL refuses NUL, and no text needs any."""
    return any(unicodedata.category(c) in ("Cc", "Cs") and c not in allowed for c in text)


def predict_and_record(
    services: Services,
    image_bytes: bytes,
    text: str | None,
    *,
    source: str,
    request_id: str,
    product_id: str | None = None,
    by: Requester | None = None,
) -> Recorded:
    """Predict, then write the audit row; ImageRejected and TextRejected record nothing."""
    return predict_and_record_many(
        services,
        [image_bytes],
        [text],
        source=source,
        request_id=request_id,
        product_ids=[product_id],
        by=by,
    )[0]


def predict_and_record_many(
    services: Services,
    images: Sequence[bytes],
    texts: Sequence[str | None],
    *,
    source: str,
    request_id: str,
    product_ids: Sequence[str | None],
    by: Requester | None = None,
    batch_job_id: str | None = None,
) -> list[Recorded]:
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}")
    checked = [check_text(services, t) for t in texts]
    # Every database step of a prediction is bounded: a frozen link answers an error (503) in
    # seconds, and the failure is logged with the request id, instead of holding the worker.
    bound = services.settings.db_timeout_s
    with answer_within(bound):
        predictor = predictor_for(services)
    predictions = predictor.predict_batch(images, checked)
    # Accepted images are kept by content hash, so each prediction can be explained later.
    for data in images:
        imagestore.store_bytes(services.settings.data_dir, data, _sha256(data))
    try:
        with answer_within(bound), session_scope(services.sessions) as session:
            rows = []
            for data, text, product_id, prediction in zip(
                images, checked, product_ids, predictions, strict=True
            ):
                version = get_version(session, prediction.model, prediction.version)
                rows.append(
                    record_prediction(
                        session,
                        request_id=request_id,
                        source=source,
                        model_version_id=version.id if version else None,
                        model_name=prediction.model,
                        model_version=prediction.version,
                        product_uniq_id=product_id,
                        image_sha256=_sha256(data),
                        text_sha256=_sha256(text.strip().encode()) if text.strip() else None,
                        text_length=len(text.strip()),
                        input_text=text.strip() or None,
                        category=prediction.category,
                        confidence=prediction.confidence,
                        margin=prediction.margin,
                        probabilities=prediction.probabilities,
                        fallback=prediction.fallback,
                        needs_review=prediction.needs_review,
                        prediction_set=list(prediction.prediction_set),
                        review_reasons=",".join(prediction.review_reasons),
                        latency_ms=prediction.latency_ms,
                        drift_features=prediction.drift_features,
                        user_id=by.user_id if by else None,
                        username=by.username if by else None,
                        batch_job_id=batch_job_id,
                    )
                )
            ids = [row.id for row in rows]
            in_shadow = bool(shadow_versions(session))
    except SQLAlchemyError as exc:
        log.error("audit write failed (request_id=%s): %s", request_id, exc.__class__.__name__)
        raise AuditUnavailable() from exc
    for prediction in predictions:
        PREDICTIONS.labels(
            prediction.model, str(prediction.version), prediction.category, source
        ).inc()
    # A version in shadow answers too, off this request's path (dashboard.services.shadow).
    if in_shadow:
        shadow.score_later(
            services,
            [shadow.Scored(i, b, t) for i, b, t in zip(ids, images, checked, strict=True)],
        )
    return [Recorded(p, i, request_id) for p, i in zip(predictions, ids, strict=True)]


def recorded_review(row: PredictionRow, _: Translate = english) -> str:
    """The review sentence of a recorded prediction, from its stored set and reason codes."""
    reasons = tuple(r for r in (row.review_reasons or "").split(",") if r)
    return review_sentence(row.category, tuple(row.prediction_set or ()), reasons, _)
