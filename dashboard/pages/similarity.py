"""Similar products: a product and its nearest catalogue neighbours, and the embeddings map
of the whole catalogue (selecting a point opens its neighbours)."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from dash import Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.components.aria import aria
from dashboard.components.cards import notice
from dashboard.components.forms import field
from dashboard.components.ids import page_ids
from dashboard.components.product_search import product_search
from dashboard.components.products import product_cards, thumbnail
from dashboard.components.tables import data_table
from dashboard.figures.similarity import map_chart
from dashboard.services.products import (
    InvalidProductId,
    UnknownProduct,
    find_product,
    latest_predictions,
)
from dashboard.services.similarity import (
    MapPoint,
    catalogue_map,
    selected_products,
    selection_csv,
    similar_to_product,
)
from dashboard.services.training import NoCatalogue
from dashboard.web.auth import visible_owner
from dashboard.web.context import services
from dashboard.web.i18n import N_, _, category_label, number, why
from db.models import Product

log = logging.getLogger(__name__)

PATH = "/similar"
ROLE: str | None = "viewer"
TITLE = N_("Similar products · Vitrine")
DESCRIPTION = N_("The catalogue products closest to a product, and a map of the whole catalogue.")
NAV_LABEL = N_("Similar")
ORDER = 20

ID = page_ids("similar")
PRODUCT = ID("product-id")
K = ID("k")
SUBMIT = ID("submit")
RESULT = ID("result")
MAP = ID("map")
MAP_POINTS = 2000  # more points than this are sampled: the map stays light in the browser
SELECTION = ID("selection")
SELECTED = ID("selected")
EXPORT = ID("export")
DOWNLOAD = ID("download")
LISTED = 50  # rows shown for a selection; the CSV holds them all
PROMPT = N_("Drag a box or a lasso on the map to list products.")


def layout(product: str | None = None, q: str | None = None, **_query: str) -> html.Div:
    return html.Div(
        [
            html.H1(_("Similar products")),
            html.P(
                _(
                    "Neighbours are ranked by cosine similarity of the fused embedding: the "
                    "product "
                    "photo as the backbone sees it, and its text."
                )
            ),
            product_search(services(), PATH, q, only_by=visible_owner()),
            html.Section(
                className="predict-form",
                **aria(labelledby=ID("form-title")),
                children=[
                    html.H2(_("Product"), id=ID("form-title")),
                    field(
                        _("Catalogue product id"),
                        dcc.Input(
                            id=PRODUCT,
                            type="text",
                            maxLength=64,
                            value=product or "",
                            className="form-control",
                        ),
                        PRODUCT,
                    ),
                    field(
                        _("How many neighbours"),
                        dcc.Input(
                            id=K,
                            type="number",
                            min=1,
                            max=50,
                            step=1,
                            value=10,
                            className="form-control",
                        ),
                        K,
                    ),
                    html.Button(
                        _("Find similar products"),
                        id=SUBMIT,
                        type="button",
                        className="btn btn-primary",
                    ),
                ],
            ),
            html.Div(
                id=RESULT,
                role="region",
                **aria(live="polite", label=_("Similar products")),
                children=_result(product, 10) if product else [],
            ),
            html.H2(_("Embeddings map")),
            html.Div(id=f"{MAP}-container", children=_map()),
            html.Section(
                className="map-selection",
                **aria(labelledby=f"{SELECTION}-title"),
                children=[
                    html.H2(_("Selected on the map"), id=f"{SELECTION}-title"),
                    html.Div(
                        id=SELECTION,
                        **aria(live="polite"),
                        children=html.P(_(PROMPT)),
                    ),
                    html.Button(
                        _("Download the selection (CSV)"),
                        id=EXPORT,
                        type="button",
                        className="btn btn-outline-primary",
                        disabled=True,
                    ),
                    dcc.Store(id=SELECTED, data=[]),
                    dcc.Download(id=DOWNLOAD),
                ],
            ),
        ]
    )


def _result(product_id: str | None, k: int) -> list[Any]:
    product_id = (product_id or "").strip()
    if not product_id:
        return [notice(_("No product chosen"), _("Enter a catalogue product id."), kind="error")]
    svc = services()
    try:
        product = find_product(svc, product_id)
    except (InvalidProductId, UnknownProduct) as exc:
        return [notice(_("Unknown product"), why(exc), kind="error")]
    neighbours = similar_to_product(svc, product, k)
    same = sum(1 for n in neighbours if n.same_category)
    return [
        html.H2(
            _(
                "Closest to “%(product_name)s”",
                product_name=product.product_name,
            )
        ),
        html.Div(
            className="product-card product-card--focus",
            children=[
                thumbnail(product),
                html.Div(
                    className="product-card__body",
                    children=[
                        html.Strong(product.product_name),
                        html.Span(category_label(product.category)),
                        html.Span(
                            _(
                                "id %(uniq_id)s · %(split)s split",
                                uniq_id=product.uniq_id,
                                split=product.split,
                            )
                        ),
                    ],
                ),
            ],
        ),
        html.P(
            _(
                "%(same)s of %(count)s neighbours share its category (%(category)s).",
                same=same,
                count=len(neighbours),
                category=category_label(product.category),
            )
        ),
        product_cards(
            neighbours, compare_to=product.category, predictions=_explainable(neighbours)
        ),
    ]


def _map() -> list[Any]:
    try:
        projected = catalogue_map(services(), MAP_POINTS)
    except NoCatalogue:
        return [html.P(_("The catalogue is empty: there is nothing to map yet."))]
    return [map_chart(MAP, projected)]


def _points(selected: dict | None) -> list[MapPoint]:
    points = (selected or {}).get("points") or []
    return [
        MapPoint(str(point["customdata"]), float(point["x"]), float(point["y"]))
        for point in points
        if point.get("customdata")
    ]


def _selection(selected: list[tuple[Product, MapPoint]]) -> list[Any]:
    if not selected:
        return [html.P(_("No product in the selection: drag around some points on the map."))]
    counts = Counter(product.category for product, _point in selected)
    by_category = ", ".join(f"{n} {category}" for category, n in counts.most_common())
    rows = [
        [
            dcc.Link(product.product_name, href=f"{PATH}?product={product.uniq_id}"),
            product.category,
            product.split,
        ]
        for product, _point in selected[:LISTED]
    ]
    more = len(selected) - LISTED
    products = (
        _("1 product")
        if len(selected) == 1
        else _("%(count)s products", count=number(len(selected)))
    )
    return [
        html.P(
            _(
                "%(products)s selected: %(by_category)s.",
                products=products,
                by_category=by_category,
            )
        ),
        data_table(
            _("Products selected on the map"),
            [_("Product"), _("Category"), _("Split")],
            rows,
            prose=[0],
        ),
        html.P(
            _(
                "... and %(more)s more in the CSV.",
                more=more,
            )
            if more > 0
            else ""
        ),
    ]


def register_callbacks(app: Dash) -> None:
    @app.callback(
        Output(SELECTION, "children"),
        Output(SELECTED, "data"),
        Output(EXPORT, "disabled"),
        Input(MAP, "selectedData"),
        prevent_initial_call=True,
    )
    def select(selected: dict | None) -> tuple[list[Any], list[dict[str, Any]], bool]:
        if selected is None:  # the map was drawn, or its selection cleared: nothing chosen yet
            return [html.P(_(PROMPT))], [], True
        points = _points(selected)
        found = selected_products(services(), points) if points else []
        stored = [{"id": p.product_id, "x": p.x, "y": p.y} for _product, p in found]
        return _selection(found), stored, not found

    @app.callback(
        Output(DOWNLOAD, "data"),
        Input(EXPORT, "n_clicks"),
        State(SELECTED, "data"),
        prevent_initial_call=True,
    )
    def export(_clicks: int | None, stored: list[dict[str, Any]] | None) -> dict[str, Any]:
        points = [MapPoint(str(p["id"]), float(p["x"]), float(p["y"])) for p in stored or []]
        if not points:
            raise PreventUpdate
        text = selection_csv(selected_products(services(), points))
        return dcc.send_string(text, "vitrine-map-selection.csv")

    @app.callback(
        Output(RESULT, "children"),
        Output(PRODUCT, "value"),
        Input(SUBMIT, "n_clicks"),
        Input(MAP, "clickData"),
        State(PRODUCT, "value"),
        State(K, "value"),
        prevent_initial_call=True,
    )
    def find(
        _clicks: int | None,
        click: dict | None,
        product_id: str | None,
        k: int | None,
    ) -> tuple[list[Any], str | None]:
        if ctx.triggered_id == MAP:
            # The map's graph is created once it scrolls into view, which fires this with no
            # click: only a selected point counts.
            if not (click and click.get("points")):
                raise PreventUpdate
            product_id = str(click["points"][0].get("customdata") or product_id)
        k = int(k) if k and 1 <= int(k) <= 50 else 10
        return _result(product_id, k), product_id


def _explainable(products: list) -> dict[str, int]:
    """The newest prediction of each card's product the current user may open."""
    ids = [item.product.uniq_id for item in products]
    return latest_predictions(services(), ids, only_by=visible_owner())
