"""The catalogue as an analyst browses it: every product with what the active models say of it,
filtered (category, split, predicted, wrong answers, doubt, text) and paged.

The active models' answers for the whole catalogue are computed once per (model versions,
catalogue version) through the serving path, the same answers the Predict page gives, and kept
in the result cache; filters then run over them without touching the models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field
from tqdm import tqdm

from dashboard.services.prediction import predictor_for
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from db.engine import session_scope
from db.models import Product
from db.repo_catalogue import catalogue_version, products_by_ids
from db.repo_predictions import latest_prediction_ids
from ml.categories import CATEGORIES

BATCH = 32
PAGE_SIZE = 24


@dataclass(frozen=True)
class Answer:
    category: str
    confidence: float
    needs_review: bool
    fallback: bool


class CatalogueQuery(BaseModel):
    """The browser's filters, as given in a URL query."""

    model_config = {"extra": "forbid"}

    category: Literal[CATEGORIES] | None = None  # type: ignore[valid-type]
    split: Literal["train", "test"] | None = None
    predicted: Literal[CATEGORIES] | None = None  # type: ignore[valid-type]
    misclassified: bool | None = None
    needs_review: bool | None = None
    has_text: bool | None = None
    page: int = Field(1, ge=1, le=100_000)


@dataclass(frozen=True)
class CatalogueItem:
    product: Product
    answer: Answer
    has_text: bool
    prediction_id: int | None  # the latest recorded prediction of it, to explain

    @property
    def correct(self) -> bool:
        return self.answer.category == self.product.category


@dataclass(frozen=True)
class CataloguePage:
    items: list[CatalogueItem]
    total: int
    page: int
    pages: int


def catalogue_answers(services: Services, *, progress: bool = False) -> dict[str, Answer]:
    """uniq_id -> the active models' answer, computed once per model and catalogue version."""
    predictor = predictor_for(services)
    with session_scope(services.sessions) as session:
        version = catalogue_version(session)
    key = "catalogue-answers:" + "|".join(
        map(
            str,
            (
                predictor.fusion.meta.name,
                predictor.fusion.meta.version,
                predictor.fallback.meta.name,
                predictor.fallback.meta.version,
                *version,
            ),
        )
    )
    cached = services.results.get(key)
    if isinstance(cached, dict):
        return cached
    data = catalogue_data(services)
    answers: dict[str, Answer] = {}
    starts = range(0, len(data.ids), BATCH)
    for start in tqdm(starts, desc="catalogue answers", unit="batch", disable=not progress):
        chunk = slice(start, start + BATCH)
        images = [path.read_bytes() for path in data.image_paths[chunk]]
        texts = [text or None for text in data.texts[chunk]]
        for uniq_id, p in zip(data.ids[chunk], predictor.predict_batch(images, texts), strict=True):
            answers[uniq_id] = Answer(p.category, p.confidence, p.needs_review, p.fallback)
    services.results.set(key, answers)
    return answers


def _keeps(query: CatalogueQuery, label: str, split: str, answer: Answer, has_text: bool) -> bool:
    wanted_and_found = (
        (query.category, label),
        (query.split, split),
        (query.predicted, answer.category),
        (query.misclassified, answer.category != label),
        (query.needs_review, answer.needs_review),
        (query.has_text, has_text),
    )
    return all(wanted is None or wanted == found for wanted, found in wanted_and_found)


def browse_catalogue(
    services: Services, query: CatalogueQuery, *, only_by: int | None = None
) -> CataloguePage:
    """One page of the filtered catalogue; explain links only to predictions `only_by` (an
    account's id, or everyone's with None) may open."""
    answers = catalogue_answers(services)
    data = catalogue_data(services)
    chosen = []
    for i, uniq_id in enumerate(data.ids):
        answer = answers.get(uniq_id)
        if answer is None:
            continue
        label, has_text = str(data.labels[i]), bool(data.texts[i].strip())
        if _keeps(query, label, str(data.splits[i]), answer, has_text):
            chosen.append((uniq_id, has_text))
    pages = max(1, math.ceil(len(chosen) / PAGE_SIZE))
    page = min(query.page, pages)
    shown = chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    with session_scope(services.sessions) as session:
        products = products_by_ids(session, [uniq_id for uniq_id, _ in shown])
        recorded = latest_prediction_ids(session, list(products), user_id=only_by)
        session.expunge_all()
    items = [
        CatalogueItem(products[uniq_id], answers[uniq_id], has_text, recorded.get(uniq_id))
        for uniq_id, has_text in shown
        if uniq_id in products
    ]
    return CataloguePage(items, len(chosen), page, pages)
