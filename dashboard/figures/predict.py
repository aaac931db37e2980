"""Figures of the predict page: the probability of each category."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import html

from dashboard.components.charts import PALETTE, base_layout, chart
from dashboard.services.prediction import Recorded
from dashboard.web.i18n import _, category_label, percent


def probability_chart(recorded: Recorded) -> html.Figure:
    p = recorded.prediction
    ranked = sorted(p.probabilities.items(), key=lambda kv: kv[1])
    colours = [PALETTE[0] if c == p.category else "#8a94a0" for c, _v in ranked]
    fig = go.Figure(
        go.Bar(
            x=[v for _c, v in ranked],
            y=[category_label(c) for c, _v in ranked],
            orientation="h",
            marker_color=colours,
            text=[percent(v) for _c, v in ranked],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.1%}<extra></extra>",
        )
    )
    base_layout(fig, height=320)
    fig.update_xaxes(range=[0, 1.15], tickformat=".0%", title_text=_("Probability"))
    runner_up = sorted(p.probabilities.items(), key=lambda kv: -kv[1])[1]
    summary = _(
        "%(category)s has %(confidence)s; next is %(runner_up)s with %(runner_up2)s.",
        category=category_label(p.category),
        confidence=percent(p.confidence, 1),
        runner_up=category_label(runner_up[0]),
        runner_up2=percent(runner_up[1], 1),
    )
    return chart(
        f"predict-probabilities-{recorded.prediction_id}",
        _("Probability of each category"),
        summary,
        fig,
        [_("Category"), _("Probability")],
        [(category_label(c), percent(v)) for c, v in reversed(ranked)],
        numeric=[False, True],
    )
