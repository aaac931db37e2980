"""A chart as a figure: a heading, a plain-language summary, the graph, and its data as a table.

The graph itself is drawn for sighted mouse users; the summary and the table carry the same
information for everyone else (and are reachable by keyboard).

Graphs are drawn lazily: the page carries each figure in a store, and the graph is created only
when its slot comes near the viewport (`assets/30-lazy-charts.js` watches the slots). Drawing
is the main-thread cost of a page - Plotly spends 0.1-0.4 s per figure on a small machine - so a
page becomes responsive once the charts on its first screen are drawn, not all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from dash import MATCH, ClientsideFunction, Dash, Input, Output, State, dcc, html
from plotly.colors import sample_colorscale, unlabel_rgb

from dashboard.components.aria import aria, data
from dashboard.components.colour import contrast
from dashboard.components.tables import data_table
from dashboard.web.i18n import N_, _, category_label, percent

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
PLOT_BACKGROUND = "#ffffff"
OUTLINE = "#1b1f24"
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star", "pentagon"]
GRAPH_CONFIG = {"displayModeBar": False, "responsive": True}
# Pattern-matching ids of a chart's parts; the asset script sets SEEN, so keep the names in step.
SLOT = "lazy-chart"
FIGURE = "lazy-chart-figure"
SEEN = "lazy-chart-seen"
# Axis labels for the 7 categories where the full names do not fit; each stays distinct.
SHORT_NAMES = {
    "Baby Care": N_("Baby"),
    "Beauty and Personal Care": N_("Beauty"),
    "Computers": N_("Computers"),
    "Home Decor & Festive Needs": N_("Decor"),
    "Home Furnishing": N_("Furnishing"),
    "Kitchen & Dining": N_("Kitchen"),
    "Watches": N_("Watches"),
}


def marker_outline(colour: str) -> dict[str, Any]:
    """A dark outline for opaque markers under 3:1 against the white plot (WCAG 1.4.11).

    Only those get one: outlines are the costliest part of drawing a scatter plot (a third of
    the time for 1,000 points), and the darker colours need none.
    """
    if contrast(colour, PLOT_BACKGROUND) < 3:
        return {"width": 0.5, "color": OUTLINE}
    return {"width": 0}


def category_marker(index: int, size: int) -> dict[str, Any]:
    """The marker of the index-th category: its colour and its shape (never colour alone),
    opaque, outlined only where the colour needs it."""
    colour = PALETTE[index % len(PALETTE)]
    return {
        "color": colour,
        "symbol": SYMBOLS[index % len(SYMBOLS)],
        "size": size,
        "line": marker_outline(colour),
    }


def short_name(category: str) -> str:
    return _(SHORT_NAMES[category]) if category in SHORT_NAMES else category_label(category)


def base_layout(fig: go.Figure, *, height: int = 360) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 20, "t": 10, "b": 10},
        font={"family": "system-ui, sans-serif", "size": 14, "color": "#1b1f24"},
        paper_bgcolor=PLOT_BACKGROUND,
        plot_bgcolor=PLOT_BACKGROUND,
        colorway=PALETTE,
        showlegend=False,
    )
    fig.update_xaxes(gridcolor="#d0d5db", zerolinecolor="#6b7684", automargin=True)
    fig.update_yaxes(gridcolor="#d0d5db", zerolinecolor="#6b7684", automargin=True)
    return fig


def label_cells(
    fig: go.Figure,
    z: Sequence[Sequence[float]],
    labels: Sequence[Sequence[str]],
    colorscale: str,
) -> None:
    """Write each heatmap cell's label in black or white, whichever contrasts more with that
    cell's colour on `colorscale` (at least 4.58:1 for any colour)."""
    values = np.asarray(z, dtype=float)
    low, high = float(values.min()), float(values.max())
    span = (high - low) or 1.0
    for i, row in enumerate(labels):
        for j, label in enumerate(row):
            rgb = unlabel_rgb(sample_colorscale(colorscale, [(values[i, j] - low) / span])[0])
            cell = "#" + "".join(f"{round(c):02x}" for c in rgb)
            ink = max(("#000000", "#ffffff"), key=lambda c: contrast(c, cell))
            fig.add_annotation(
                x=j, y=i, text=label, showarrow=False, font={"color": ink, "size": 13}
            )


def paired_bars(
    x: Sequence[str],
    first: tuple[str, Sequence[float]],
    second: tuple[str, Sequence[float]],
    y_title: str,
) -> go.Figure:
    """Two shares per item side by side, labelled in percent; the second is hatched so the
    pair reads without colour."""
    fig = go.Figure(
        [
            go.Bar(
                name=name,
                x=list(x),
                y=list(values),
                marker_color=PALETTE[i],
                marker_pattern_shape="/" if i else "",
                text=[percent(v, 1) for v in values],
                textposition="outside",
                # Upright labels above each bar: side by side they ran together at 640 px.
                textangle=-90,
                constraintext="none",  # full size, not shrunk to the bar's width
                cliponaxis=False,
            )
            for i, (name, values) in enumerate((first, second))
        ]
    )
    base_layout(fig, height=400)
    fig.update_layout(
        barmode="group", showlegend=True, legend={"orientation": "h", "y": 1.14, "x": 0}
    )
    fig.update_yaxes(range=[0, 1.22], tickvals=[0, 0.2, 0.4, 0.6, 0.8, 1.0], tickformat=".0%")
    fig.update_yaxes(title_text=y_title)
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
    config: dict[str, Any] | None = None,
) -> html.Figure:
    """`config` adds to Plotly's graph config (GRAPH_CONFIG), e.g. a toolbar for selecting."""
    heading_id = f"{chart_id}-title"
    summary_id = f"{chart_id}-summary"
    return html.Figure(
        className="chart",
        **aria(labelledby=heading_id),
        children=[
            html.H3(title, id=heading_id, className="chart__title"),
            html.P(summary, id=summary_id, className="chart__summary"),
            html.Div(
                id={"type": SLOT, "index": chart_id},
                role="img",
                className="chart__graph",
                # The graph's space is held until it is drawn, so nothing below it jumps.
                style={"minHeight": f"{figure.layout.height or 450}px"},
                **aria(label=f"{title}. {summary}"),
                **data(lazy_chart="true"),
            ),
            dcc.Store(
                id={"type": FIGURE, "index": chart_id},
                data={
                    "id": chart_id,
                    "figure": figure.to_plotly_json(),
                    "config": GRAPH_CONFIG | (config or {}),
                },
            ),
            dcc.Store(id={"type": SEEN, "index": chart_id}, data=False),
            html.Details(
                className="chart__data",
                children=[
                    html.Summary(
                        _(
                            "%(title)s: data table",
                            title=title,
                        )
                    ),
                    data_table(title, columns, rows, numeric=numeric),
                ],
            ),
        ],
    )


def register_callbacks(app: Dash) -> None:
    """Create a chart's graph in its slot once the slot has been seen."""
    app.clientside_callback(
        ClientsideFunction(namespace="vitrine", function_name="drawChart"),
        Output({"type": SLOT, "index": MATCH}, "children"),
        Input({"type": SEEN, "index": MATCH}, "data"),
        State({"type": FIGURE, "index": MATCH}, "data"),
        prevent_initial_call=True,
    )
