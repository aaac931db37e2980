"""Product thumbnails with their name, category and similarity."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html

from dashboard.services.similarity import SimilarProduct
from db.models import Product


def product_image_url(uniq_id: str) -> str:
    return f"/api/products/{uniq_id}/image"


def thumbnail(
    product: Product, size: int = 120, class_name: str | None = "product-card__img"
) -> html.Img:
    """The product photo, with its name and category as alt text."""
    return html.Img(
        src=product_image_url(product.uniq_id),
        alt=f"{product.product_name} ({product.category})",
        width=size,
        height=size,
        className=class_name,
    )


def product_cards(similar: Sequence[SimilarProduct], *, compare_to: str | None) -> html.Ol:
    """Neighbours, most similar first; whether each shares the category is said in words and
    a symbol, not by colour."""
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
                            html.Span(p.category, className="product-card__category"),
                            html.Span(
                                f"Similarity {item.score:.2f} (rank {rank})",
                                className="product-card__score",
                            ),
                            html.Span(
                                ("✓ same category" if same else "✗ other category")
                                if same is not None
                                else "",
                                className="product-card__same",
                            ),
                        ],
                    ),
                ],
            )
        )
    return html.Ol(items, className="product-cards")
