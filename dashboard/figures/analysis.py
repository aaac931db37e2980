"""Figures of the analysis page: two product variables against each other, by category."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard.components.charts import (
    base_layout,
    category_marker,
    chart,
)
from dashboard.components.formats import sentence_case
from dashboard.services.analysis import MAX_POINTS, VARIABLES
from dashboard.web.i18n import _, decimal, number
from ml.analysis import relate


def scatter_chart(pairs: pd.DataFrame, x: str, y: str) -> html.Figure:
    """Products by `x` and `y` (a sample past MAX_POINTS), a trend line, and per category the
    medians and rank correlation."""
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
                # Opaque: a translucent marker would need an outline in most colours to keep
                # 3:1 against the plot, and outlines are slow to draw.
                marker=category_marker(n, 7),
                hovertemplate=_(
                    "%(category)s<br>%%{x}, %%{y}<extra></extra>",
                    category=category,
                ),
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
                "—" if part.spearman is None else decimal(part.spearman, 2, signed=True),
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
    fig.update_xaxes(title_text=sentence_case(VARIABLES[x]))
    fig.update_yaxes(title_text=sentence_case(VARIABLES[y]))
    note = (
        _(
            " Showing a sample of %(count)s of %(count2)s products.",
            count=number(len(shown)),
            count2=number(len(pairs)),
        )
        if len(shown) < len(pairs)
        else ""
    )
    return chart(
        "analysis-scatter",
        f"{sentence_case(VARIABLES[y])} against {VARIABLES[x]}",
        relation.reading + note,
        fig,
        [
            _("Category"),
            _("Products"),
            _(
                "Median %(variables)s",
                variables=VARIABLES[x],
            ),
            _(
                "Median %(variables)s",
                variables=VARIABLES[y],
            ),
            _("Rank correlation"),
        ],
        rows,
        numeric=[False, True, True, True, True],
    )
