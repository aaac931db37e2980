"""Product thumbnails with their name, category and similarity."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html

from dashboard.similar import SimilarProduct


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
                    html.Img(
                        src=f"/api/products/{p.uniq_id}/image",
                        alt=f"{p.product_name} ({p.category})",
                        width=120,
                        height=120,
                        className="product-card__img",
                    ),
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
