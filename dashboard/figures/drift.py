"""Figures of the drift page: the share of drifted columns, report by report."""

from __future__ import annotations

from datetime import timedelta

import plotly.graph_objects as go
from dash import html

from dashboard.components.charts import PALETTE, base_layout, chart
from dashboard.web.i18n import _, percent


def history_chart(history: list) -> html.Figure:
    times = [r.created_at for r in history]
    shares = [r.share_drifted for r in history]
    symbols = ["x" if r.dataset_drift else "circle" for r in history]
    fig = go.Figure(
        go.Scatter(
            x=times,
            y=shares,
            mode="lines+markers",
            line={"color": PALETTE[0]},
            marker={"symbol": symbols, "size": 11, "color": PALETTE[5]},
            hovertemplate="%{x}<br>share drifted %{y:.0%}<extra></extra>",
        )
    )
    base_layout(fig, height=300)
    # Reports minutes apart (or one alone) gave a sub-millisecond axis: keep at least an hour
    # in view, and label ticks to the minute.
    known = [t for t in times if t is not None]
    first, last = (min(known), max(known)) if known else (None, None)
    if first is not None and last is not None and last - first < timedelta(hours=1):
        middle = first + (last - first) / 2
        fig.update_xaxes(range=[middle - timedelta(minutes=30), middle + timedelta(minutes=30)])
    fig.update_xaxes(tickformat="%Y-%m-%d %H:%M")
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%", title_text=_("Share of columns drifted"))
    drifted = sum(r.dataset_drift for r in history)
    summary = _(
        "%(count)s report%(value)s; %(drifted)s found dataset drift (marked "
        "with a cross). The latest has %(shares)s of its columns drifted.",
        count=len(history),
        value="" if len(history) == 1 else "s",
        drifted=drifted,
        shares=percent(shares[-1], 0),
    )
    rows = [
        (
            f"#{r.id}",
            r.created_at.strftime("%Y-%m-%d %H:%M") if r.created_at else "",
            r.current_size,
            percent(r.share_drifted, 0),
            "yes" if r.dataset_drift else "no",
        )
        for r in reversed(history)
    ]
    return chart(
        "drift-history",
        _("Drift over time"),
        summary,
        fig,
        [_("Report"), _("Time (UTC)"), _("Predictions"), _("Share drifted"), _("Dataset drift")],
        rows,
        numeric=[False, False, True, True, False],
    )
