"""What if a recorded prediction's text were different: the same photo, another name and
description (or none), predicted and explained again without writing an audit row, unless the
analyst asks for one.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.services.explain import (
    NotExplainable,
    PredictionExplanation,
    explain_product,
    stored_inputs,
)
from dashboard.services.prediction import (
    Recorded,
    Requester,
    check_text,
    predict_and_record,
    predictor_for,
    recorded_review,
)
from dashboard.services.products import InvalidProductId, UnknownProduct, find_product
from dashboard.services.state import Services
from db.engine import session_scope
from db.repo_predictions import get_prediction
from ml.doubt import review_sentence
from ml.models.inputs import product_text
from ml.predictor import Prediction
from ml.wording import Phrase


@dataclass(frozen=True)
class Answer:
    """One answer to compare: what was recorded, or what the edited text would give."""

    category: str
    confidence: float
    probabilities: dict[str, float]
    model: str
    fallback: bool
    review: str  # "Watches: no review needed." or why it needs review

    @classmethod
    def of(cls, p: Prediction) -> Answer:
        return cls(
            p.category,
            p.confidence,
            p.probabilities,
            f"{p.model} v{p.version}",
            p.fallback,
            review_sentence(p.category, p.prediction_set, p.review_reasons),
        )


@dataclass(frozen=True)
class Original:
    """A recorded prediction as the what-if form starts from it."""

    prediction_id: int
    name: str
    description: str
    answer: Answer
    product_id: str | None


@dataclass(frozen=True)
class WhatIf:
    original: Original
    text: str
    answer: Answer
    # The words behind the new answer (fusion answers whenever there is text); None without.
    explanation: PredictionExplanation | None


def original(services: Services, prediction_id: int, only_by: int | None) -> Original:
    """The recorded answer and its text, split into the catalogue product's name and
    description when it was that product's own text (else all of it as the description)."""
    with session_scope(services.sessions) as session:
        row = get_prediction(session, prediction_id)
        if row is None or (only_by is not None and row.user_id != only_by):
            raise NotExplainable(Phrase("no prediction #%(id)s", id=prediction_id))
        text = row.input_text or ""
        answer = Answer(
            row.category,
            row.confidence,
            dict(row.probabilities),
            f"{row.model_name} v{row.model_version}",
            row.fallback,
            recorded_review(row),
        )
        product_id = row.product_uniq_id
    name, description = "", text
    try:
        product = find_product(services, product_id) if product_id else None
    except (InvalidProductId, UnknownProduct):  # no longer in the catalogue
        product = None
    if product is not None and product_text(product.product_name, product.description) == text:
        name, description = product.product_name or "", product.description or ""
    return Original(prediction_id, name, description, answer, product_id)


def what_if(
    services: Services, prediction_id: int, name: str, description: str, only_by: int | None
) -> WhatIf:
    """The answer (and its words) the recorded photo gets with this name and description.
    Raises NotExplainable (no such prediction, or its photo is gone) or TextRejected."""
    before = original(services, prediction_id, only_by)
    text = check_text(services, product_text(name, description))
    image, _recorded_text = stored_inputs(services, prediction_id)
    answer = predictor_for(services).predict(image, text)
    explanation = explain_product(services, image, text, answer.category) if text else None
    return WhatIf(before, text, Answer.of(answer), explanation)


def record_what_if(
    services: Services,
    prediction_id: int,
    name: str,
    description: str,
    *,
    only_by: int | None,
    request_id: str,
    by: Requester | None,
) -> Recorded:
    """Record the what-if as a prediction of its own (an audit row like any other)."""
    before = original(services, prediction_id, only_by)
    image, _recorded_text = stored_inputs(services, prediction_id)
    return predict_and_record(
        services,
        image,
        product_text(name, description),
        source="ui",
        request_id=request_id,
        product_id=before.product_id,
        by=by,
    )
