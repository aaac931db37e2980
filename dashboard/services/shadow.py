"""Shadow scoring: the version in shadow for a serving model answers every live prediction of
that model too, after the live answer has been returned and recorded, and its answer goes to
`shadow_answers` beside the audit row. Nobody sees it but the Models page, which compares.

Scoring runs on one background thread per process with a one-thread ONNX session, so a shadow
never asks for more of the shared cores than one thread; under load its queue grows up to
MAX_PENDING batches and then further batches go unscored (logged and counted) rather than slow
live answers down.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import Counter
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from dashboard.services import style_shift
from dashboard.services.serving import fallback_name, image_limits
from dashboard.services.state import Services
from db.engine import session_scope
from db.repo_models import active_versions
from db.repo_shadow import add_shadow_answer, shadow_versions
from ml.models.registry import FALLBACK_CANDIDATES, PRIMARY
from ml.predictor import Predictor

log = logging.getLogger(__name__)
MAX_PENDING = 64
SHADOW_THREADS = 1
UNSCORED = Counter(
    "vitrine_shadow_unscored_total",
    "Live predictions the shadow version did not score (queue full or scoring failed).",
    ["reason"],
)


@dataclass(frozen=True)
class ShadowScorer:
    """A Predictor in which the shadow versions take their active versions' places, and the
    (name, version) -> model_versions.id of those shadows."""

    predictor: Predictor
    shadows: dict[tuple[str, int], int]


def shadow_scorer(services: Services) -> ShadowScorer | None:
    """The scorer of the versions in shadow now (None when there is none); loaded once."""
    with session_scope(services.sessions) as session:
        active = active_versions(session)
        if PRIMARY not in active or not set(active) & set(FALLBACK_CANDIDATES):
            return None
        fallback = fallback_name(services, active)
        shadows = {n: mv for n, mv in shadow_versions(session).items() if n in (PRIMARY, fallback)}
        if not shadows:
            return None
        fusion_row = shadows.get(PRIMARY, active[PRIMARY])
        fallback_row = shadows.get(fallback, active[fallback])
        ids = {(mv.name, mv.version): mv.id for mv in shadows.values()}
        calibration_key, calibration = style_shift.conformal_calibration(services)
        settings = services.settings
        key = (
            fusion_row.artifact_path,
            fallback_row.artifact_path,
            tuple(sorted(ids.items())),
            settings.int8_backbone,
            settings.review_threshold,
            image_limits(services),
            calibration_key,
        )

    def load() -> ShadowScorer:
        predictor = Predictor.from_artifacts(
            settings.artifacts_dir,
            Path(key[0]),
            Path(key[1]),
            review_threshold=settings.review_threshold,
            limits=key[5],
            threads=SHADOW_THREADS,
            int8=settings.int8_backbone,
        )
        predictor.calibrate_sets(calibration, style_shift.SETS_ACROSS_STYLES)
        return ShadowScorer(predictor, ids)

    return services.memo.get("shadow-scorer", key, load)


@dataclass(frozen=True)
class Scored:
    """A recorded live prediction, as the shadow needs it."""

    prediction_id: int
    image: bytes
    text: str


def _pool(services: Services) -> tuple[ThreadPoolExecutor, threading.BoundedSemaphore]:
    # Per process: a pool made before a server forks its workers has no thread in them.
    return services.memo.get(
        "shadow-pool",
        os.getpid(),
        lambda: (
            ThreadPoolExecutor(1, thread_name_prefix="vitrine-shadow"),
            threading.BoundedSemaphore(MAX_PENDING),
        ),
    )


def score_later(services: Services, items: Sequence[Scored]) -> None:
    """Queue the shadow's answers to these live predictions; returns at once."""
    if not items:
        return
    pool, slots = _pool(services)
    if not slots.acquire(blocking=False):
        UNSCORED.labels("queue_full").inc(len(items))
        log.warning("shadow queue full: %d predictions not scored in shadow", len(items))
        return

    def run() -> None:
        try:
            score_now(services, items)
        finally:
            slots.release()

    pool.submit(run)


def wait(services: Services) -> None:
    """Return once every shadow job queued so far in this process is done."""
    pool, _slots = _pool(services)
    pool.submit(lambda: None).result()


def score_now(services: Services, items: Sequence[Scored]) -> int:
    """Score `items` with the versions in shadow and record their answers; how many were
    recorded. Never raises: the shadow must not cost a live answer anything."""
    try:
        scorer = shadow_scorer(services)
        if scorer is None:
            return 0
        answers = scorer.predictor.predict_batch([i.image for i in items], [i.text for i in items])
        recorded = 0
        with session_scope(services.sessions) as session:
            for item, answer in zip(items, answers, strict=True):
                version_id = scorer.shadows.get((answer.model, answer.version))
                if version_id is None:
                    continue  # answered by a role with no shadow
                try:
                    with session.begin_nested():
                        add_shadow_answer(
                            session,
                            prediction_id=item.prediction_id,
                            model_version_id=version_id,
                            model_name=answer.model,
                            model_version=answer.version,
                            category=answer.category,
                            confidence=answer.confidence,
                            probabilities=answer.probabilities,
                            needs_review=answer.needs_review,
                            prediction_set=list(answer.prediction_set),
                            review_reasons=",".join(answer.review_reasons),
                            latency_ms=answer.latency_ms,
                        )
                    recorded += 1
                except IntegrityError:
                    continue  # scored already (a repeated job)
        return recorded
    except (SQLAlchemyError, OSError, ValueError, RuntimeError) as exc:
        UNSCORED.labels("failed").inc(len(items))
        log.warning("shadow scoring failed: %s: %s", exc.__class__.__name__, exc)
        return 0
