"""What the active fusion relies on across the catalogue, not for one product: the words that
weigh most towards each category (the text branch's SHAP values, averaged over the category's
test products) and the mean attribution of each region of the photo (the fast cell map,
averaged over a sample of them). Computed once per model and catalogue version, then cached."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dashboard.services.explain import explain_product, text_branch
from dashboard.services.prediction import predictor_for
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from db.engine import session_scope
from db.repo_catalogue import catalogue_version
from ml.explain import TokenContribution, category_words

PER_CATEGORY = 12  # photos explained per category: ~50 ms each, the mean settles by then
TOP_WORDS = 8


@dataclass(frozen=True)
class GlobalExplanation:
    model: str
    version: int
    words: dict[str, list[TokenContribution]]  # category -> its heaviest words, largest first
    cells: dict[str, np.ndarray]  # category -> mean [7, 7] attribution towards it
    explained: dict[str, int]  # category -> photos averaged
    with_text: dict[str, int]  # category -> texts averaged


def global_explanation(services: Services, per_category: int = PER_CATEGORY) -> GlobalExplanation:
    meta = predictor_for(services).fusion.meta
    with session_scope(services.sessions) as session:
        catalogue = catalogue_version(session)
    key = f"global-explanation:{meta.name}:{meta.version}:{per_category}:{catalogue}"
    cached = services.results.get(key)
    if isinstance(cached, GlobalExplanation):
        return cached
    data = catalogue_data(services)
    test = data.index("test")
    texts: dict[str, list[str]] = {c: [] for c in meta.classes}
    photos: dict[str, list[int]] = {c: [] for c in meta.classes}
    for i in test:
        category = str(data.labels[i])
        if category not in texts:
            continue
        if data.texts[i]:
            texts[category].append(data.texts[i])
        photos[category].append(int(i))
    vectorizer, branch, background = text_branch(services)
    words = category_words(vectorizer, branch, background, texts, meta.classes, TOP_WORDS)
    cells: dict[str, np.ndarray] = {}
    for category, chosen in photos.items():
        grids = [
            explain_product(
                services, data.image_paths[i].read_bytes(), data.texts[i] or "", category
            ).image.grid
            for i in chosen[:per_category]
        ]
        if grids:
            cells[category] = np.mean(grids, axis=0)
    result = GlobalExplanation(
        meta.name,
        meta.version,
        words,
        cells,
        {c: min(len(v), per_category) for c, v in photos.items()},
        {c: len(v) for c, v in texts.items()},
    )
    services.results.set(key, result)
    return result
