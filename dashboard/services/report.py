"""The decision report of one recorded prediction: what was decided, on what, why, by which
model, and what that model can and cannot do, for a colleague or the person concerned (GDPR
art. 22: meaningful information about the logic involved).

Everything comes from the audit row and the model version it names, so the report says the
same tomorrow as today. Rendering it as HTML or PDF is `dashboard.services.report_render`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dashboard.services import locales
from dashboard.services.explain import (
    DEFAULT_PIXEL_EVALS,
    ExplanationLookup,
    NotExplainable,
    PredictionExplanation,
    explain_prediction,
    find_explanation,
    stored_inputs,
)
from dashboard.services.locales import DEFAULT_LANGUAGE, gettext_for
from dashboard.services.prediction import predictor_for, recorded_review
from dashboard.services.products import product_image
from dashboard.services.similarity import SimilarProduct, similar_to_upload
from dashboard.services.spatial_audit import stored_audit
from dashboard.services.state import Services
from dashboard.services.style_shift import shift_accuracy
from db.engine import session_scope
from db.repo_models import get_version
from db.repo_predictions import get_prediction
from ml.categories import CATEGORIES
from ml.images import decode_image, to_input
from ml.spatial_audit import verdict
from ml.wording import Translate

SIMILAR = 3


class UnknownPrediction(LookupError):
    """No such prediction, or one the asker may not see (the same answer, on purpose)."""


class PixelMapPending(Exception):
    """The prediction's model is only explained on pixels, and that map is not computed yet:
    start it (`lookup`) and ask again."""

    def __init__(self, lookup: ExplanationLookup) -> None:
        super().__init__(lookup.key)
        self.lookup = lookup


@dataclass(frozen=True)
class ModelFacts:
    name: str
    version: int
    test_accuracy: float | None
    test_ece: float | None
    # Mean leave-one-style-out accuracy (art styles the model never saw), when measured.
    shift_accuracy: float | None


@dataclass(frozen=True)
class SimilarItem:
    product_id: str
    name: str
    category: str
    score: float
    photo: bytes  # the catalogue photo, as stored


@dataclass(frozen=True)
class DecisionReport:
    prediction_id: int
    request_id: str
    created_at: datetime
    source: str
    username: str | None
    product_id: str | None
    text: str
    photo: bytes  # the photo as given
    category: str
    confidence: float
    probabilities: list[tuple[str, float]]  # most probable first
    needs_review: bool
    review: str  # "Watches: no review needed." or why it needs review
    fallback: bool
    model: ModelFacts
    explanation: PredictionExplanation | None
    pixel_explanation: PredictionExplanation | None  # a pixel-level map, when one was computed
    explanation_missing: str  # why there is no explanation ("" when there is one)
    similar: list[SimilarItem]
    limits: list[str]  # what the model can and cannot do, in plain words


def build_report(
    services: Services,
    prediction_id: int,
    *,
    only_by: int | None = None,
    compute_pixels: bool = False,
    language: str = DEFAULT_LANGUAGE,
) -> DecisionReport:
    """The report of `prediction_id`, its sentences in `language`. With `only_by`, another
    account's prediction does not exist (as for its explanation). Raises PixelMapPending when
    the model is explained on pixels only and that map is not computed, unless
    `compute_pixels` (the CLI) says to compute it here."""
    _ = gettext_for(language)
    with session_scope(services.sessions) as session:
        row = get_prediction(session, prediction_id)
        if row is None or (only_by is not None and row.user_id != only_by):
            raise UnknownPrediction(f"no prediction #{prediction_id}")
        facts = dict(
            request_id=row.request_id,
            created_at=row.created_at,
            source=row.source,
            username=row.username,
            product_id=row.product_uniq_id,
            category=row.category,
            confidence=row.confidence,
            probabilities=sorted(row.probabilities.items(), key=lambda item: -item[1]),
            needs_review=row.needs_review,
            review=recorded_review(row, _),
            fallback=row.fallback,
        )
        model, version = row.model_name, row.model_version
        stored = get_version(session, model, version)
        metrics: dict[str, Any] = dict(stored.metrics or {}) if stored else {}
    try:
        photo, text = stored_inputs(services, prediction_id)
    except NotExplainable as exc:
        raise UnknownPrediction(str(exc.args[0])) from exc
    explanation, pixel_map, missing = _explanations(
        services, prediction_id, only_by, compute_pixels
    )
    shifts = shift_accuracy(services)
    return DecisionReport(
        prediction_id=prediction_id,
        text=text,
        photo=photo,
        model=ModelFacts(
            model, version, metrics.get("accuracy"), metrics.get("ece"), shifts.get(model)
        ),
        explanation=explanation,
        pixel_explanation=pixel_map,
        explanation_missing=missing,
        similar=_similar(services, photo, text, str(facts["product_id"] or "") or None),
        limits=_limits(services, shifts, _, language),
        **facts,  # type: ignore[arg-type]
    )


def _explanations(
    services: Services, prediction_id: int, only_by: int | None, compute_pixels: bool
) -> tuple[PredictionExplanation | None, PredictionExplanation | None, str]:
    """(the explanation, a computed pixel-level map besides a fast one, why none)."""
    try:
        found = find_explanation(services, prediction_id, only_by=only_by)
    except NotExplainable as exc:
        return None, None, str(exc.args[0])
    if found.pixels and found.cached is None and not compute_pixels:
        raise PixelMapPending(found)
    main = found.cached or explain_prediction(services, prediction_id, only_by=only_by)
    if main.image.mode == "pixels":
        return main, None, ""
    pixels = find_explanation(
        services, prediction_id, pixels=True, max_evals=DEFAULT_PIXEL_EVALS, only_by=only_by
    )
    return main, pixels.cached, ""


def _similar(services: Services, photo: bytes, text: str, exclude: str | None) -> list[SimilarItem]:
    predictor = predictor_for(services)
    embedding = predictor.features(to_input(decode_image(photo, predictor.limits))[None])
    found: list[SimilarProduct] = similar_to_upload(
        services, embedding["embedding"][0], text or None, None, SIMILAR, exclude=exclude
    )
    return [
        SimilarItem(
            s.product.uniq_id,
            s.product.product_name,
            s.product.category,
            s.score,
            product_image(services, s.product).read_bytes(),
        )
        for s in found
    ]


def _limits(
    services: Services, shifts: dict[str, float | None], _: Translate, language: str
) -> list[str]:
    predictor = predictor_for(services)
    fusion, fallback = predictor.fusion.meta.name, predictor.fallback.meta.name
    said = [
        _(
            "The model chooses one of %(count)s catalogue categories (%(categories)s). A "
            "product of any other kind still gets one of them, so a wrong category is possible "
            "even when the confidence is high.",
            count=len(CATEGORIES),
            categories=", ".join(_(c) for c in CATEGORIES),
        ),
        _(
            "With a name or description, %(fusion)s reads the photo and the words together. "
            "Without text, the image-only %(fallback)s answers alone, and it is less reliable.",
            fusion=fusion,
            fallback=fallback,
        ),
    ]
    fusion_shift, fallback_shift = shifts.get(fusion), shifts.get(fallback)
    if fallback_shift is not None:
        right = locales.percent(fallback_shift, 0, language)
        said.append(
            _(
                "On drawings in art styles it never saw, %(fallback)s was right %(right)s of "
                "the time and %(fusion)s %(fusion_right)s (leave-one-style-out over the demo "
                "catalogue's art sets). Photos unlike the catalogue are flagged for review more "
                "often, and should be.",
                fallback=fallback,
                right=right,
                fusion=fusion,
                fusion_right=locales.percent(fusion_shift, 0, language),
            )
            if fusion_shift is not None
            else _(
                "On drawings in art styles it never saw, %(fallback)s was right %(right)s of "
                "the time (leave-one-style-out over the demo catalogue's art sets). Photos "
                "unlike the catalogue are flagged for review more often, and should be.",
                fallback=fallback,
                right=right,
            )
        )
    else:
        said.append(
            _(
                "How the image-only answer holds up on photos unlike the catalogue has not "
                "been measured for this installation (vitrine evaluate --shift)."
            )
        )
    said.append(
        _(
            "“Needs review” means a person should check the answer: the confidence is low, the "
            "photo is unlike the catalogue, or several categories cannot be told apart."
        )
    )
    audit = stored_audit(services)
    if audit is not None:
        # Said again from the audit's figures, so that it reads in the report's language.
        said.append(
            _(
                "Spatial-bias audit of %(model)s v%(version)s: %(verdict)s",
                model=audit.get("model", "?"),
                version=audit.get("version", "?"),
                verdict=verdict(audit["quadrant_shares"], audit["accuracy"], _)[1],
            )
        )
    else:
        said.append(_("The spatial-bias audit has not been run (vitrine explain audit)."))
    return said
