"""The Review page's agreement figure: how often reviewers kept the model's category."""

from __future__ import annotations

from collections import defaultdict

import plotly.graph_objects as go
from dash import html

from dashboard.components.charts import PALETTE, base_layout, chart, short_name
from dashboard.components.formats import pct
from dashboard.web.i18n import _, category_label, percent
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
                text=[
                    _(
                        "%(share)s of %(reviewed)s",
                        share=percent(r.confirmed / r.reviewed, 0),
                        reviewed=r.reviewed,
                    )
                    for r in group
                ],
                textposition="outside",
                cliponaxis=False,
            )
            for i, (name, group) in enumerate(versions.items())
        ]
    )
    base_layout(fig, height=380)
    fig.update_layout(barmode="group", showlegend=True, legend={"orientation": "h", "y": 1.12})
    fig.update_yaxes(range=[0, 1.15], tickformat=".0%", title_text=_("Reviews that kept it"))
    reviewed = sum(r.reviewed for r in rows)
    confirmed = sum(r.confirmed for r in rows)
    weakest = min(rows, key=lambda r: (r.confirmed / r.reviewed, -r.reviewed))
    summary = _(
        "Reviewers kept the model's category for %(confirmed)s of %(reviewed)s "
        "reviewed predictions (%(value)s). Lowest: %(category)s from "
        "%(model_name)s v%(model_version)s, %(confirmed2)s of %(reviewed2)s.",
        confirmed=confirmed,
        reviewed=reviewed,
        value=percent(confirmed / reviewed, 0),
        category=category_label(weakest.category),
        model_name=weakest.model_name,
        model_version=weakest.model_version,
        confirmed2=weakest.confirmed,
        reviewed2=weakest.reviewed,
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
        _("Agreement of reviewers with the model, by predicted category"),
        summary,
        fig,
        [_("Model"), _("Predicted category"), _("Reviewed"), _("Kept"), _("Share kept")],
        table,
        numeric=[False, False, True, True, True],
    )
