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
from dashboard.web.i18n import N_, _, category_label, number, why
from ml.categories import CATEGORIES

PATH = "/catalogue"
ROLE: str | None = "viewer"
TITLE = N_("Catalogue · Vitrine")
DESCRIPTION = N_("Browse the catalogue with what the models answer for each product.")
NAV_LABEL = N_("Catalogue")
ORDER = 15

YES_NO = [("true", N_("Yes")), ("false", N_("No"))]
FILTERS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("category", N_("Category"), [(c, c) for c in CATEGORIES]),
    ("split", N_("Split"), [("train", N_("Training")), ("test", N_("Test"))]),
    ("predicted", N_("Predicted category"), [(c, c) for c in CATEGORIES]),
    ("misclassified", N_("Answer"), [("true", N_("Wrong")), ("false", N_("Right"))]),
    ("needs_review", N_("Needs review"), YES_NO),
    ("has_text", N_("Text"), [("true", N_("With text")), ("false", N_("Photo only"))]),
]
LABELS = {name: label for name, label, _options in FILTERS} | {"page": N_("Page")}


def layout(**query: str) -> html.Div:
    raw = {k: v for k, v in query.items() if v not in (None, "")}
    head: list[Any] = [
        html.H1(_("Catalogue")),
        html.P(
            _(
                "Every product with the answer of the active models (fusion with text, the "
                "image-only fallback without), as the Predict page would give it."
            )
        ),
        _form(raw),
    ]
    try:
        parsed = CatalogueQuery.model_validate(raw)
    except ValidationError as exc:
        said = [
            _(
                "%(get)s: this value is not one of the choices.",
                get=_(LABELS.get(str(e["loc"][0]), str(e["loc"][0])[:40])),
            )
            for e in exc.errors()
        ]
        body = [html.Ul([html.Li(s) for s in dict.fromkeys(said)])]
        return html.Div([*head, notice(_("The filter is not valid"), body, kind="error")])
    try:
        found = browse_catalogue(services(), parsed, only_by=visible_owner())
    except NoCatalogue:
        message = _("Load one with `vitrine data ingest` (or `vitrine demo`).")
        return html.Div([*head, notice(_("The catalogue is empty"), message)])
    except ModelsNotReady as exc:
        return html.Div([*head, notice(_("No model answers yet"), why(exc))])
    if not found.items:
        return html.Div([*head, notice(_("No product matches"), _("Change or clear the filter."))])
    first = (found.page - 1) * PAGE_SIZE + 1
    return html.Div(
        [
            *head,
            html.H2(
                _(
                    "Products %(first)s–%(value)s of %(total)s",
                    first=number(first),
                    value=number(first + len(found.items) - 1),
                    total=number(found.total),
                ),
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
            _(label),
            html.Select(
                id=f"catalogue-{name}",
                name=name,
                className="form-select",
                children=[
                    html.Option(_(text), value=value, selected=value == raw.get(name, ""))
                    for value, text in [("", _("Any")), *options]
                ],
            ),
            f"catalogue-{name}",
            in_grid=True,
        )
        for name, label, options in FILTERS
    ]
    return get_form(
        action=PATH,
        title=_("Filter"),
        title_id="catalogue-filters-title",
        fields=fields,
        submit=_("Apply filter"),
        after=[" ", html.A(_("Clear"), href=PATH, className="btn btn-link")],
    )


def _card(item: CatalogueItem) -> html.Li:
    p, answer = item.product, item.answer
    verdict = (
        _("✓ right")
        if item.correct
        else _(
            "✗ wrong (it is %(category)s)",
            category=category_label(p.category),
        )
    )
    # Each link names its product for screen readers, which list links out of context.
    whose = html.Span(f" {p.product_name}", className="visually-hidden")
    links = [
        html.A([_("Predict"), whose], href=f"/predict?{urlencode({'product': p.uniq_id})}"),
        html.A([_("Similar"), whose], href=f"/similar?{urlencode({'product': p.uniq_id})}"),
    ]
    if item.prediction_id is not None:
        links.append(
            html.A(
                [
                    _(
                        "Explain #%(prediction_id)s",
                        prediction_id=item.prediction_id,
                    ),
                    whose,
                ],
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
                    html.P(f"{p.category} · {_('test') if p.split == 'test' else _('training')}"),
                    html.P(
                        [
                            _("Predicted "),
                            html.Strong(category_label(answer.category)),
                            f" ({answer.confidence:.0%}"
                            + (_(", image only") if answer.fallback else "")
                            + f"): {verdict}",
                        ],
                        className="catalogue-card__answer",
                    ),
                    html.P(_("⚠ needs review")) if answer.needs_review else None,
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
        items.append(html.Li(html.A(_("Previous page"), href=link(page - 1))))
    items.append(
        html.Li(
            _(
                "Page %(page)s of %(pages)s",
                page=page,
                pages=pages,
            ),
            **aria(current="page"),
        )
    )
    if page < pages:
        items.append(html.Li(html.A(_("Next page"), href=link(page + 1))))
    return html.Nav(html.Ul(items, className="pager"), **aria(label=_("Pages")))


def register_callbacks(app: Dash) -> None:
    """No callbacks: the filter form and the links load the page anew."""
