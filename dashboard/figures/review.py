"""The Review page's agreement figure: how often reviewers kept the model's category."""

from __future__ import annotations

from collections import defaultdict

import plotly.graph_objects as go
from dash import html

from dashboard.components.charts import PALETTE, base_layout, chart, short_name
from dashboard.components.formats import pct
from db.repo_reviews import Agreement

PATTERNS = ["", "/", ".", "x", "-", "+"]


def agreement_chart(rows: list[Agreement]) -> html.Figure:
    """Share confirmed per predicted category, one bar series per model version."""
    versions: dict[str, list[Agreement]] = defaultdict(list)
    for row in rows:
        versions[f"{row.model_name} v{row.model_version}"].append(row)
    fig = go.Figure(
        [
            go.Bar(
                name=name,
                x=[short_name(r.category) for r in group],
                y=[r.confirmed / r.reviewed for r in group],
                marker_color=PALETTE[i % len(PALETTE)],
                # A pattern per version as well as a colour: the series read without colour.
                marker_pattern_shape=PATTERNS[i % len(PATTERNS)],
                text=[f"{r.confirmed / r.reviewed:.0%} of {r.reviewed}" for r in group],
                textposition="outside",
                cliponaxis=False,
            )
            for i, (name, group) in enumerate(versions.items())
        ]
    )
    base_layout(fig, height=380)
    fig.update_layout(barmode="group", showlegend=True, legend={"orientation": "h", "y": 1.12})
    fig.update_yaxes(range=[0, 1.15], tickformat=".0%", title_text="Reviews that kept it")
    reviewed = sum(r.reviewed for r in rows)
    confirmed = sum(r.confirmed for r in rows)
    weakest = min(rows, key=lambda r: (r.confirmed / r.reviewed, -r.reviewed))
    summary = (
        f"Reviewers kept the model's category for {confirmed} of {reviewed} reviewed "
        f"predictions ({confirmed / reviewed:.0%}). Lowest: {weakest.category} from "
        f"{weakest.model_name} v{weakest.model_version}, {weakest.confirmed} of "
        f"{weakest.reviewed}."
    )
    table = [
        (
            f"{r.model_name} v{r.model_version}",
            r.category,
            r.reviewed,
            r.confirmed,
            pct(r.confirmed / r.reviewed),
        )
        for r in rows
    ]
    return chart(
        "review-agreement",
        "Agreement of reviewers with the model, by predicted category",
        summary,
        fig,
        ["Model", "Predicted category", "Reviewed", "Kept", "Share kept"],
        table,
        numeric=[False, False, True, True, True],
    )
