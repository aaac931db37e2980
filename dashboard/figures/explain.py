"""Figures of the explain page: word contributions and the spatial-bias audit."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from dash import html

from dashboard.components.charts import PALETTE, base_layout, chart, label_cells
from dashboard.services.explain import PredictionExplanation
from dashboard.web.i18n import _, category_label, decimal, percent
from ml.spatial_audit import verdict


def word_chart(result: PredictionExplanation) -> html.Figure:
    """How much each word moved the text score, for or against the explained category."""
    text = result.text
    assert text is not None
    tokens = sorted(text.contributions, key=lambda c: c.value)
    fig = go.Figure(
        go.Bar(
            x=[c.value for c in tokens],
            y=[c.token for c in tokens],
            orientation="h",
            marker_color=[PALETTE[0] if c.value > 0 else PALETTE[5] for c in tokens],
            marker_pattern_shape=["" if c.value > 0 else "/" for c in tokens],
            text=[f"{'▲' if c.value > 0 else '▼'} {c.value:+.3f}" for c in tokens],
            textposition="outside",
            cliponaxis=False,
        )
    )
    base_layout(fig, height=80 + 28 * max(1, len(tokens)))
    # Room beyond the longest bars for their value labels, so none runs into the words.
    values = [c.value for c in tokens] or [0.0]
    low, high = min(0.0, *values), max(0.0, *values)
    pad = 0.45 * ((high - low) or 1.0)
    fig.update_xaxes(range=[low - pad if low < 0 else -0.05 * pad, high + pad])
    fig.update_xaxes(
        title_text=_(
            "Contribution to the text score for %(target)s",
            target=category_label(result.target),
        )
    )
    pushing = [c.token for c in text.contributions if c.value > 0][:3]
    against = [c.token for c in text.contributions if c.value < 0][:3]
    summary = _(
        "Words for %(target)s: %(value)s. Words against: %(value2)s.",
        target=category_label(result.target),
        value=", ".join(pushing) or _("none"),
        value2=", ".join(against) or _("none"),
    )
    return chart(
        f"explain-text-{result.prediction_id}",
        _("Which words moved the text score"),
        summary,
        fig,
        [_("Word or phrase"), _("SHAP value"), _("Direction")],
        [
            (c.token, decimal(c.value, 4, signed=True), _("for") if c.value > 0 else _("against"))
            for c in text.contributions
        ],
        numeric=[False, True, False],
    )


def spatial_chart(result: dict[str, Any]) -> html.Figure:
    """The stored spatial-bias audit: the share of attribution in each image cell."""
    grid = np.array(result["overall"])
    fig = go.Figure(go.Heatmap(z=grid, colorscale="Blues", colorbar={"title": _("Share")}))
    label_cells(fig, grid.tolist(), [[f"{v * 100:.1f}%" for v in row] for row in grid], "Blues")
    base_layout(fig, height=380)
    fig.update_yaxes(autorange="reversed", title_text=_("Row (top to bottom)"))
    fig.update_xaxes(title_text=_("Column (left to right)"))
    rows = [(name, percent(share, 0)) for name, share in result["quadrant_shares"].items()]
    rows += [
        (
            _(
                "accuracy, %(k)s",
                k=k,
            ),
            percent(v, 0),
        )
        for k, v in result["accuracy"].items()
    ]
    return chart(
        "explain-spatial",
        _("Where the model looks, on average"),
        # Worded now from the stored figures, so older audits read as newer ones do.
        verdict(result["quadrant_shares"], result["accuracy"], _)[1],
        fig,
        [_("Quarter or placement"), _("Value")],
        rows,
        numeric=[False, True],
    )
