"""Find a catalogue product by what people know of it (words of its name, its brand, part of
its id) instead of pasting a 32-character id: a GET form, and the matches as a list of links.

A plain form and links, like the audit filters: it works from the keyboard and before any
script has loaded, and the search lands in the URL (`?q=`), so it can be shared.
"""

from __future__ import annotations

from dash import dcc, html
from dash.development.base_component import Component
from pydantic import ValidationError

from dashboard.components.aria import aria
from dashboard.components.cards import notice
from dashboard.components.products import product_views, thumbnail
from dashboard.services.products import ProductQuery, find_products
from dashboard.services.state import Services
from dashboard.web.i18n import _, category_label, number

SHOWN = 8


def product_search(
    services: Services, page: str, query: str | None, *, only_by: int | None = None
) -> html.Section:
    """The search form of `page` ("/predict", "/similar"); with `query`, its matches, each
    linking to `page` with that product and to its other views."""
    prefix = page.strip("/")
    title_id, input_id = f"{prefix}-search-title", f"{prefix}-search-q"
    children: list = [
        html.H2(_("Find a catalogue product"), id=title_id),
        html.Form(
            method="get",
            action=page,
            role="search",
            **aria(labelledby=title_id),
            className="product-search",
            children=[
                html.Label(
                    _("Name, brand or part of the id"), htmlFor=input_id, className="field__label"
                ),
                html.Div(
                    className="product-search__row",
                    children=[
                        dcc.Input(
                            id=input_id,
                            name="q",
                            type="search",
                            value=query or "",
                            maxLength=200,
                            className="form-control",
                            autoComplete="off",
                        ),
                        html.Button(_("Search"), type="submit", className="btn btn-primary"),
                    ],
                ),
            ],
        ),
    ]
    if query is not None and query.strip():
        children.append(_matches(services, page, query, only_by))
    return html.Section(children, className="product-search-section", **aria(labelledby=title_id))


def _matches(services: Services, page: str, query: str, only_by: int | None) -> Component:
    try:
        parsed = ProductQuery(q=query, limit=SHOWN)
    except ValidationError:
        return notice(_("Search not valid"), _("Give at most 200 characters."), kind="error")
    found = find_products(services, parsed, only_by=only_by)
    if not found.products:
        return notice(
            _("No product matches"),
            _(
                "No catalogue product has every word of “%(strip)s” in its name, brand "
                "or id. Try fewer or shorter words.",
                strip=query.strip(),
            ),
        )
    more = found.total - len(found.products)
    said = _(
        "%(total)s product%(value)s match “%(strip)s”",
        total=number(found.total),
        value="s" if found.total != 1 else "",
        strip=query.strip(),
    )
    if more > 0:
        said += _(
            "; the first %(count)s are shown. Add a word to narrow it",
            count=len(found.products),
        )
    items = []
    for product in found.products:
        uid = product.uniq_id
        links: list = [
            html.A(
                _("Use it here"),
                href=f"{page}?product={uid}",
                **aria(
                    label=_(
                        "Use %(product_name)s on this page",
                        product_name=product.product_name,
                    )
                ),
            ),
            " · ",
        ]
        links += product_views(product, found.predictions.get(uid), here=page)
        items.append(
            html.Li(
                className="product-hit",
                children=[
                    thumbnail(product, 56, "product-hit__img"),
                    html.Div(
                        [
                            html.Strong(product.product_name),
                            html.Span(f"{category_label(product.category)} · {_(product.split)}"),
                            html.Code(uid),
                            html.Span(links, className="product-hit__links"),
                        ],
                        className="product-hit__text",
                    ),
                ],
            )
        )
    return html.Div(
        [
            html.P(said, role="status"),
            html.Ul(items, className="product-hits", **aria(label=_("Matching products"))),
        ]
    )
