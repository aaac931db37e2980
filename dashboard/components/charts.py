"""A chart as a figure: a heading, a plain-language summary, the graph, and its data as a table.

The graph itself is drawn for sighted mouse users; the summary and the table carry the same
information for everyone else (and are reachable by keyboard).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from dash import dcc, html

from dashboard.components.tables import data_table

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star", "pentagon"]
GRAPH_CONFIG = {"displayModeBar": False, "responsive": True}
# Axis labels for the 7 categories where the full names do not fit; each stays distinct.
SHORT_NAMES = {
    "Baby Care": "Baby",
    "Beauty and Personal Care": "Beauty",
    "Computers": "Computers",
    "Home Decor & Festive Needs": "Decor",
    "Home Furnishing": "Furnishing",
    "Kitchen & Dining": "Kitchen",
    "Watches": "Watches",
}


def short_name(category: str) -> str:
    return SHORT_NAMES.get(category, category)


def base_layout(fig: go.Figure, *, height: int = 360) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 20, "t": 10, "b": 10},
        font={"family": "system-ui, sans-serif", "size": 14, "color": "#1b1f24"},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        colorway=PALETTE,
        showlegend=False,
    )
    fig.update_xaxes(gridcolor="#d0d5db", zerolinecolor="#6b7684", automargin=True)
    fig.update_yaxes(gridcolor="#d0d5db", zerolinecolor="#6b7684", automargin=True)
    return fig


def chart(
    chart_id: str,
    title: str,
    summary: str,
    figure: go.Figure,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    numeric: Sequence[bool] | None = None,
) -> html.Figure:
    heading_id = f"{chart_id}-title"
    summary_id = f"{chart_id}-summary"
    return html.Figure(
        className="chart",
        **{"aria-labelledby": heading_id},
        children=[
            html.H3(title, id=heading_id, className="chart__title"),
            html.P(summary, id=summary_id, className="chart__summary"),
            html.Div(
                dcc.Graph(id=chart_id, figure=figure, config=GRAPH_CONFIG),
                role="img",
                className="chart__graph",
                # The graph's space is held while Plotly loads, so nothing below it jumps.
                style={"minHeight": f"{figure.layout.height or 450}px"},
                **{"aria-label": f"{title}. {summary}"},
            ),
            html.Details(
                className="chart__data",
                children=[
                    html.Summary(f"{title}: data table"),
                    data_table(title, columns, rows, numeric=numeric),
                ],
            ),
        ],
    )
