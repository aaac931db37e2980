"""Bivariate analysis: any two product variables, per category, with a plain reading."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from dash import Dash, html

from dashboard.components.aria import aria
from dashboard.components.cards import notice
from dashboard.components.charts import PALETTE, SYMBOLS, base_layout, chart, marker_outline
from dashboard.components.forms import field
from dashboard.services.analysis import MAX_POINTS, VARIABLES, analysis_frame
from dashboard.web.context import services
from ml.analysis import relate

PATH = "/analysis"
ROLE: str | None = "viewer"
TITLE = "Bivariate analysis · Vitrine"
DESCRIPTION = "Relate two product variables (prices, text length, rating, brightness, confidence)."
NAV_LABEL = "Analysis"
ORDER = 40


def _select(name: str, label: str, current: str) -> html.Div:
    options = [
        html.Option(text.capitalize(), value=key, selected=key == current)
        for key, text in VARIABLES.items()
    ]
    select = html.Select(
        id=f"analysis-{name}", name=name, className="form-select", children=options
    )
    return field(label, select, f"analysis-{name}", in_grid=True)


def layout(x: str = "retail_price", y: str = "discounted_price", **_query: str) -> html.Div:
    x = x if x in VARIABLES else "retail_price"
    y = y if y in VARIABLES else "discounted_price"
    children: list[Any] = [
        html.H1("Bivariate analysis"),
        html.Form(
            method="get",
            action=PATH,
            className="audit-filters",
            **aria(labelledby="analysis-form-title"),
            children=[
                html.H2("Variables", id="analysis-form-title"),
                html.Div(
                    className="filter-grid",
                    children=[_select("x", "Horizontal axis", x), _select("y", "Vertical axis", y)],
                ),
                html.Button("Show", type="submit", className="btn btn-primary"),
            ],
        ),
    ]
    frame = analysis_frame(services())
    pairs = frame[["uniq_id", "category", x, y]].dropna()
    if len(pairs) < 3:
        children.append(
            notice(
                "Not enough data",
                "Fewer than 3 products have both values; "
                "prediction confidence needs predictions of catalogue products "
                "(`vitrine predict`).",
            )
        )
        return html.Div(children)
    relation = relate(pairs[x], pairs[y], VARIABLES[x], VARIABLES[y])
    shown = pairs.sample(MAX_POINTS, random_state=0) if len(pairs) > MAX_POINTS else pairs
    fig = go.Figure()
    rows = []
    for n, (category, group) in enumerate(sorted(shown.groupby("category"))):
        fig.add_trace(
            go.Scatter(
                x=group[x],
                y=group[y],
                mode="markers",
                name=category,
                marker={
                    "color": PALETTE[n % len(PALETTE)],
                    "symbol": SYMBOLS[n % len(SYMBOLS)],
                    "size": 7,
                    # Opaque: a translucent marker would need an outline in most colours to
                    # keep 3:1 against the plot, and outlines are slow to draw.
                    "line": marker_outline(PALETTE[n % len(PALETTE)]),
                },
                hovertemplate=f"{category}<br>%{{x}}, %{{y}}<extra></extra>",
            )
        )
    for category, group in sorted(pairs.groupby("category")):
        part = relate(group[x], group[y], VARIABLES[x], VARIABLES[y])
        rows.append(
            (
                category,
                part.n,
                f"{group[x].median():.3g}",
                f"{group[y].median():.3g}",
                "—" if part.spearman is None else f"{part.spearman:+.2f}",
            )
        )
    if relation.slope is not None and relation.intercept is not None:
        xs = np.linspace(pairs[x].min(), pairs[x].max(), 50)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=relation.slope * xs + relation.intercept,
                mode="lines",
                name="Trend (least squares)",
                line={"color": "#1b1f24", "dash": "dash", "width": 2},
            )
        )
    base_layout(fig, height=480)
    fig.update_layout(showlegend=True)
    fig.update_xaxes(title_text=VARIABLES[x].capitalize())
    fig.update_yaxes(title_text=VARIABLES[y].capitalize())
    note = (
        f" Showing a sample of {len(shown):,} of {len(pairs):,} products."
        if len(shown) < len(pairs)
        else ""
    )
    children.append(
        chart(
            "analysis-scatter",
            f"{VARIABLES[y].capitalize()} against {VARIABLES[x]}",
            relation.reading + note,
            fig,
            [
                "Category",
                "Products",
                f"Median {VARIABLES[x]}",
                f"Median {VARIABLES[y]}",
                "Rank correlation",
            ],
            rows,
            numeric=[False, True, True, True, True],
        )
    )
    return html.Div(children)


def register_callbacks(app: Dash) -> None:
    """No callbacks: the form reloads the page with the chosen variables."""
