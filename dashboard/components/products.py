"""Product thumbnails with their name, category and similarity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import html

from dashboard.components.aria import aria
from dashboard.services.similarity import SimilarProduct
from dashboard.web.i18n import _, category_label, decimal
from db.models import Product


def product_image_url(uniq_id: str) -> str:
    return f"/api/products/{uniq_id}/image"


def thumbnail(
    product: Product, size: int = 120, class_name: str | None = "product-card__img"
) -> html.Img:
    """The product photo, with its name and category as alt text."""
    return html.Img(
        src=product_image_url(product.uniq_id),
        alt=f"{product.product_name} ({category_label(product.category)})",
        width=size,
        height=size,
        className=class_name,
    )


def product_views(product: Product, prediction_id: int | None, *, here: str = "") -> list[Any]:
    """Links to the product's views (Predict, Similar, and Explain when it has a prediction),
    leaving out the page `here`; each link names the product for a screen reader's list."""
    name = product.product_name
    views = [
        (
            _("Predict"),
            f"/predict?product={product.uniq_id}",
            _(
                "Predict: %(name)s",
                name=name,
            ),
        ),
        (
            _("Similar"),
            f"/similar?product={product.uniq_id}",
            _(
                "Similar: %(name)s",
                name=name,
            ),
        ),
    ]
    if prediction_id is not None:
        views.append(
            (
                _("Explain"),
                f"/explain?prediction={prediction_id}",
                _(
                    "Explain the latest prediction of %(name)s",
                    name=name,
                ),
            )
        )
    out: list[Any] = []
    for text, href, label in views:
        if href.split("?")[0] == here:
            continue
        if out:
            out.append(" · ")
        out.append(html.A(text, href=href, **aria(label=label)))
    return out


def product_cards(
    similar: Sequence[SimilarProduct],
    *,
    compare_to: str | None,
    predictions: Mapping[str, int] | None = None,
) -> html.Ol:
    """Neighbours, most similar first, each with links to its views (`predictions`: the
    newest prediction of each, to explain); whether each shares the category is said in
    words and a symbol, not by colour."""
    items = []
    for rank, item in enumerate(similar, start=1):
        p = item.product
        same = item.same_category if compare_to is not None else None
        items.append(
            html.Li(
                className="product-card",
                children=[
                    thumbnail(p),
                    html.Div(
                        className="product-card__body",
                        children=[
                            html.A(
                                p.product_name,
                                href=f"/similar?product={p.uniq_id}",
                                className="product-card__name",
                            ),
                            html.Span(
                                category_label(p.category), className="product-card__category"
                            ),
                            html.Span(
                                _(
                                    "Similarity %(score)s (rank %(rank)s)",
                                    score=decimal(item.score, 2),
                                    rank=rank,
                                ),
                                className="product-card__score",
                            ),
                            html.Span(
                                (_("✓ same category") if same else _("✗ other category"))
                                if same is not None
                                else "",
                                className="product-card__same",
                            ),
                            html.Span(
                                product_views(p, (predictions or {}).get(p.uniq_id)),
                                className="product-card__links",
                            ),
                        ],
                    ),
                ],
            )
        )
    return html.Ol(items, className="product-cards")
