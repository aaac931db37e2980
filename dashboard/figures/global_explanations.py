"""Figures of the Models page's global explanations: the heaviest words per category, and the
mean image attribution per category as small heatmaps."""

from __future__ import annotations

import textwrap

import numpy as np
import plotly.graph_objects as go
from dash import html
from plotly.subplots import make_subplots

from dashboard.components.charts import base_layout, chart
from dashboard.components.tables import data_table
from dashboard.services.global_explanations import GlobalExplanation
from dashboard.web.i18n import _
from ml.explain import describe_regions

COLUMNS = 4


def words_table(found: GlobalExplanation) -> html.Div:
    rows = [
        [
            category,
            found.with_text.get(category, 0),
            ", ".join(f"{w.token} (+{w.value:.2f})" for w in words) or _("none stands out"),
        ]
        for category, words in found.words.items()
    ]
    return data_table(
        _("Words that weigh most towards each category (mean SHAP value in log-odds)"),
        [_("Category"), _("Texts"), _("Words, heaviest first")],
        rows,
        numeric=[False, True, False],
        prose=[2],
    )


def cells_chart(chart_id: str, found: GlobalExplanation) -> html.Figure:
    """One 7x7 map per category on a shared, symmetric scale: red pushes towards the
    category, blue against it."""
    categories = list(found.cells)
    rows_needed = -(-len(categories) // COLUMNS)
    fig = make_subplots(
        rows=rows_needed,
        cols=COLUMNS,
        # Wrapped: four long names side by side ran together at 640 px.
        subplot_titles=["<br>".join(textwrap.wrap(c, 14)) for c in categories],
        horizontal_spacing=0.04,
        vertical_spacing=0.16,
    )
    limit = max((float(np.abs(g).max()) for g in found.cells.values()), default=1.0) or 1.0
    for n, category in enumerate(categories):
        fig.add_trace(
            go.Heatmap(
                z=found.cells[category],
                zmin=-limit,
                zmax=limit,
                colorscale="RdBu_r",
                showscale=n == 0,
                colorbar={"title": {"text": _("Log-odds")}, "len": 0.8},
                hovertemplate=category + ": %{z:.3f}<extra></extra>",
            ),
            row=n // COLUMNS + 1,
            col=n % COLUMNS + 1,
        )
    base_layout(fig, height=260 * rows_needed + 40)
    fig.update_layout(margin={"t": 50})
    fig.update_annotations(font_size=13)
    fig.update_xaxes(showticklabels=False, showgrid=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, autorange="reversed")
    rows = [
        [category, found.explained.get(category, 0), describe_regions(grid, category, _)]
        for category, grid in found.cells.items()
    ]
    summary = _(
        "The mean fast map of %(model)s v%(version)s over up to %(most)s test "
        "photos of each category, towards that category: red regions of the "
        "photo push towards it, blue ones against it. The table says where "
        "each category's evidence lies.",
        model=found.model,
        version=found.version,
        most=max(found.explained.values(), default=0),
    )
    return chart(
        chart_id,
        _("Mean image attribution per category"),
        summary,
        fig,
        [_("Category"), _("Photos"), _("Where the evidence lies")],
        rows,
        numeric=[False, True, False],
    )
