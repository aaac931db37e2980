"""Catalogue: every product with what the active models say of it, filtered and paged.

The filters are a plain GET form and paging is links, as on the audit trail, so any view can be
bookmarked, shared, and reached with a keyboard or a screen reader.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from dash import Dash, html
from pydantic import ValidationError

from dashboard.components.aria import aria
from dashboard.components.cards import notice
from dashboard.components.forms import field, get_form
from dashboard.components.products import thumbnail
from dashboard.services.catalogue_browser import (
    PAGE_SIZE,
    CatalogueItem,
    CatalogueQuery,
    browse_catalogue,
)
from dashboard.services.prediction import ModelsNotReady
from dashboard.services.training import NoCatalogue
from dashboard.web.auth import visible_owner
from dashboard.web.context import services
from ml.categories import CATEGORIES

PATH = "/catalogue"
ROLE: str | None = "viewer"
TITLE = "Catalogue · Vitrine"
DESCRIPTION = "Browse the catalogue with what the models answer for each product."
NAV_LABEL = "Catalogue"
ORDER = 15

YES_NO = [("true", "Yes"), ("false", "No")]
FILTERS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("category", "Category", [(c, c) for c in CATEGORIES]),
    ("split", "Split", [("train", "Training"), ("test", "Test")]),
    ("predicted", "Predicted category", [(c, c) for c in CATEGORIES]),
    ("misclassified", "Answer", [("true", "Wrong"), ("false", "Right")]),
    ("needs_review", "Needs review", YES_NO),
    ("has_text", "Text", [("true", "With text"), ("false", "Photo only")]),
]
LABELS = {name: label for name, label, _ in FILTERS} | {"page": "Page"}


def layout(**query: str) -> html.Div:
    raw = {k: v for k, v in query.items() if v not in (None, "")}
    head: list[Any] = [
        html.H1("Catalogue"),
        html.P(
            "Every product with the answer of the active models (fusion with text, the "
            "image-only fallback without), as the Predict page would give it."
        ),
        _form(raw),
    ]
    try:
        parsed = CatalogueQuery.model_validate(raw)
    except ValidationError as exc:
        said = [
            f"{LABELS.get(str(e['loc'][0]), str(e['loc'][0])[:40])}: this value is not one "
            "of the choices."
            for e in exc.errors()
        ]
        body = [html.Ul([html.Li(s) for s in dict.fromkeys(said)])]
        return html.Div([*head, notice("The filter is not valid", body, kind="error")])
    try:
        found = browse_catalogue(services(), parsed, only_by=visible_owner())
    except NoCatalogue:
        message = "Load one with `vitrine data ingest` (or `vitrine demo`)."
        return html.Div([*head, notice("The catalogue is empty", message)])
    except ModelsNotReady as exc:
        return html.Div([*head, notice("No model answers yet", str(exc))])
    if not found.items:
        return html.Div([*head, notice("No product matches", "Change or clear the filter.")])
    first = (found.page - 1) * PAGE_SIZE + 1
    return html.Div(
        [
            *head,
            html.H2(
                f"Products {first:,}–{first + len(found.items) - 1:,} of {found.total:,}",
                id="catalogue-results-title",
            ),
            html.Ul(
                [_card(item) for item in found.items],
                className="product-cards catalogue-grid",
                **aria(labelledby="catalogue-results-title"),
            ),
            _pager(raw, found.page, found.pages),
        ]
    )


def _form(raw: dict[str, str]) -> html.Form:
    fields = [
        field(
            label,
            html.Select(
                id=f"catalogue-{name}",
                name=name,
                className="form-select",
                children=[
                    html.Option(text, value=value, selected=value == raw.get(name, ""))
                    for value, text in [("", "Any"), *options]
                ],
            ),
            f"catalogue-{name}",
            in_grid=True,
        )
        for name, label, options in FILTERS
    ]
    return get_form(
        action=PATH,
        title="Filter",
        title_id="catalogue-filters-title",
        fields=fields,
        submit="Apply filter",
        after=[" ", html.A("Clear", href=PATH, className="btn btn-link")],
    )


def _card(item: CatalogueItem) -> html.Li:
    p, answer = item.product, item.answer
    verdict = "✓ right" if item.correct else f"✗ wrong (it is {p.category})"
    # Each link names its product for screen readers, which list links out of context.
    whose = html.Span(f" {p.product_name}", className="visually-hidden")
    links = [
        html.A(["Predict", whose], href=f"/predict?{urlencode({'product': p.uniq_id})}"),
        html.A(["Similar", whose], href=f"/similar?{urlencode({'product': p.uniq_id})}"),
    ]
    if item.prediction_id is not None:
        links.append(
            html.A(
                [f"Explain #{item.prediction_id}", whose],
                href=f"/explain?prediction={item.prediction_id}",
            )
        )
    return html.Li(
        className="product-card catalogue-card",
        children=[
            thumbnail(p, size=96, class_name="product-card__img catalogue-card__img"),
            html.Div(
                className="product-card__body catalogue-card__body",
                children=[
                    html.H3(p.product_name, className="catalogue-card__name"),
                    html.P(f"{p.category} · {'test' if p.split == 'test' else 'training'}"),
                    html.P(
                        [
                            "Predicted ",
                            html.Strong(answer.category),
                            f" ({answer.confidence:.0%}"
                            + (", image only" if answer.fallback else "")
                            + f"): {verdict}",
                        ],
                        className="catalogue-card__answer",
                    ),
                    html.P("⚠ needs review") if answer.needs_review else None,
                    html.P(links, className="catalogue-card__links"),
                ],
            ),
        ],
    )


def _pager(raw: dict[str, str], page: int, pages: int) -> html.Nav:
    def link(to: int) -> str:
        return f"{PATH}?{urlencode({**raw, 'page': str(to)})}"

    items = []
    if page > 1:
        items.append(html.Li(html.A("Previous page", href=link(page - 1))))
    items.append(html.Li(f"Page {page} of {pages}", **aria(current="page")))
    if page < pages:
        items.append(html.Li(html.A("Next page", href=link(page + 1))))
    return html.Nav(html.Ul(items, className="pager"), **aria(label="Pages"))


def register_callbacks(app: Dash) -> None:
    """No callbacks: the filter form and the links load the page anew."""
