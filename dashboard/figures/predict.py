"""Figures of the predict page: the probability of each category."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import html

from dashboard.components.charts import PALETTE, base_layout, chart
from dashboard.services.prediction import Recorded


def probability_chart(recorded: Recorded) -> html.Figure:
    p = recorded.prediction
    ranked = sorted(p.probabilities.items(), key=lambda kv: kv[1])
    colours = [PALETTE[0] if c == p.category else "#8a94a0" for c, _ in ranked]
    fig = go.Figure(
        go.Bar(
            x=[v for _, v in ranked],
            y=[c for c, _ in ranked],
            orientation="h",
            marker_color=colours,
            text=[f"{v:.1%}" for _, v in ranked],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.1%}<extra></extra>",
        )
    )
    base_layout(fig, height=320)
    fig.update_xaxes(range=[0, 1.15], tickformat=".0%", title_text="Probability")
    runner_up = sorted(p.probabilities.items(), key=lambda kv: -kv[1])[1]
    summary = (
        f"{p.category} has {p.confidence:.1%}; next is {runner_up[0]} with {runner_up[1]:.1%}."
    )
    return chart(
        f"predict-probabilities-{recorded.prediction_id}",
        "Probability of each category",
        summary,
        fig,
        ["Category", "Probability"],
        [(c, f"{v:.1%}") for c, v in reversed(ranked)],
        numeric=[False, True],
    )
