"""Figures of the overview page: the catalogue's categories, prices and descriptions, and the
architecture drawing."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard.components.charts import PALETTE, base_layout, chart
from dashboard.web.i18n import N_, _, number, percent
from ml.splits import SPLITS

ARCHITECTURE_TEXT = [
    N_(
        "Each product has a photo and a text (its name and description). The photo goes through "
        "EfficientNet-Lite0, an image network pretrained on ImageNet and kept frozen, which turns "
        "it into a 1,280-number embedding. The text becomes TF-IDF weights over words and word "
        "pairs."
    ),
    N_(
        "The late fusion head, the primary model, reads both and scores the 7 categories. When a "
        "product has no text, an image-only model answers instead (the one that holds up best on "
        "art styles it never saw, see the Models page), and the prediction says so."
    ),
    N_(
        "Scores are calibrated into probabilities (temperature scaling), so a confidence of "
        "%(share)s "
        "is right about %(share)s of the time. Each prediction is recorded in the audit trail, "
        "and can be "
        "explained (SHAP), compared with similar products, and watched for drift."
    ),
]


def category_chart(frame: pd.DataFrame) -> html.Figure:
    counts = frame["category"].value_counts().sort_values()
    total = int(counts.sum())
    fig = go.Figure(
        go.Bar(
            x=counts.values,
            y=counts.index,
            orientation="h",
            marker_color=PALETTE[0],
            text=[number(n) for n in counts.values],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x} products<extra></extra>",
        )
    )
    base_layout(fig, height=60 + 38 * len(counts))
    fig.update_xaxes(title_text=_("Products"))
    largest, smallest = counts.index[-1], counts.index[0]
    if counts.iloc[-1] == counts.iloc[0]:
        summary = _(
            "All %(count)s categories hold %(iloc)s products each.",
            count=len(counts),
            iloc=number(counts.iloc[0]),
        )
    else:
        summary = _(
            "%(largest)s is the largest category with %(iloc)s products; "
            "%(smallest)s the smallest with %(iloc2)s.",
            largest=largest,
            iloc=number(counts.iloc[-1]),
            smallest=smallest,
            iloc2=number(counts.iloc[0]),
        )
    per_split = frame.groupby(["category", "split"]).size().unstack(fill_value=0)
    table_rows = [
        (
            category,
            int(counts[category]),
            percent(counts[category] / total),
            *(int(per_split.loc[category].get(s, 0)) for s in SPLITS),
        )
        for category in counts.index[::-1]
    ]
    return chart(
        "overview-categories",
        _("Products per category"),
        summary,
        fig,
        [_("Category"), _("Products"), _("Share"), *(f"{s.title()}" for s in SPLITS)],
        table_rows,
        numeric=[False, True, True, True, True, True],
    )


def box_by_category(frame: pd.DataFrame, column: str, label: str, log_x: bool) -> go.Figure:
    """Boxes drawn from quartiles computed here: the figure holds five numbers per category
    rather than every product's value, so it stays small however large the catalogue."""
    fig = go.Figure()
    for index, (category, group) in enumerate(sorted(frame.groupby("category"))):
        values = group[column].dropna()
        if values.empty:
            continue
        q1, median, q3 = values.quantile([0.25, 0.5, 0.75])
        reach = 1.5 * (q3 - q1)  # whiskers end at the furthest value within 1.5 IQR, as Plotly's
        fig.add_trace(
            go.Box(
                y=[category],
                q1=[q1],
                median=[median],
                q3=[q3],
                lowerfence=[values[values >= q1 - reach].min()],
                upperfence=[values[values <= q3 + reach].max()],
                name=category,
                marker_color=PALETTE[index % len(PALETTE)],
                orientation="h",
                hoverinfo="x+name",
            )
        )
    base_layout(fig, height=80 + 40 * frame["category"].nunique())
    fig.update_xaxes(title_text=label, type="log" if log_x else "linear")
    return fig


def quantile_rows(frame: pd.DataFrame, column: str) -> list[tuple[Any, ...]]:
    stats = frame.groupby("category")[column].describe(percentiles=[0.5])
    return [
        (category, int(row["count"]), row["min"], row["50%"], row["max"])
        for category, row in stats.iterrows()
    ]


def _extremes(medians: pd.Series, low: str, high: str) -> dict[str, str]:
    """The first and last of sorted medians and their categories, for a summary sentence."""
    return {
        low: number(medians.iloc[0], 0),
        f"{low}_in": medians.index[0],
        high: number(medians.iloc[-1], 0),
        f"{high}_in": medians.index[-1],
    }


def description_chart(frame: pd.DataFrame) -> html.Figure:
    lengths = frame.assign(description_length=frame["description_length"].fillna(0))
    medians = lengths.groupby("category")["description_length"].median().sort_values()
    empty = int((lengths["description_length"] == 0).sum())
    summary = _(
        "Median description length ranges from %(shortest)s characters (%(shortest_in)s) "
        "to %(longest)s (%(longest_in)s). %(empty)s products have no description; "
        "the image-only fallback serves them.",
        **_extremes(medians, "shortest", "longest"),
        empty=number(empty),
    )
    return chart(
        "overview-description-length",
        _("Description length by category"),
        summary,
        box_by_category(lengths, "description_length", _("Characters"), log_x=False),
        [_("Category"), _("Products"), _("Shortest"), _("Median"), _("Longest")],
        quantile_rows(lengths, "description_length"),
        numeric=[False, True, True, True, True],
    )


def price_chart(frame: pd.DataFrame) -> html.Figure:
    prices = frame.dropna(subset=["discounted_price"])
    prices = prices[prices["discounted_price"] > 0]
    medians = prices.groupby("category")["discounted_price"].median().sort_values()
    summary = (
        _(
            "Median selling price runs from Rs. %(lowest)s (%(lowest_in)s) to Rs. "
            "%(highest)s (%(highest_in)s); the axis is logarithmic.",
            **_extremes(medians, "lowest", "highest"),
        )
        if len(medians)
        else _("No product has a price.")
    )
    return chart(
        "overview-prices",
        _("Selling price by category"),
        summary,
        box_by_category(prices, "discounted_price", _("Selling price (Rs., log scale)"), True),
        [_("Category"), _("Products"), _("Lowest (Rs.)"), _("Median (Rs.)"), _("Highest (Rs.)")],
        quantile_rows(prices, "discounted_price"),
        numeric=[False, True, True, True, True],
    )


def architecture() -> html.Figure:
    return html.Figure(
        className="architecture",
        children=[
            html.Img(
                src="/assets/architecture.svg",
                alt=(
                    _(
                        "Pipeline: product photo to EfficientNet-Lite0, name and description to "
                        "TF-IDF; both feed the late fusion head, the ViT fallback reads the image "
                        "only; calibrated probabilities give the category and audit row, and feed "
                        "SHAP, similar products and drift. Described in full below."
                    )
                ),
                className="architecture__img",
            ),
            html.Figcaption([html.P(_(text, share=percent(0.8, 0))) for text in ARCHITECTURE_TEXT]),
        ],
    )
