"""Figures of the similar-products page: the catalogue map."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import html

from dashboard.components.charts import base_layout, category_marker, chart
from dashboard.services.similarity import CatalogueMap
from dashboard.web.i18n import _, number


def map_chart(chart_id: str, projected: CatalogueMap) -> html.Figure:
    """Each category in its own colour and marker shape; a point carries its product id, so
    selecting it can list that product's neighbours."""
    fig = go.Figure()
    rows = []
    ids, labels, points = projected.ids, projected.labels, projected.points
    for n, category in enumerate(sorted(set(labels))):
        mask = labels == category
        centre = points[mask].mean(axis=0)
        rows.append(
            (category, int(mask.sum()), round(float(centre[0]), 3), round(float(centre[1]), 3))
        )
        fig.add_trace(
            go.Scatter(
                x=points[mask, 0],
                y=points[mask, 1],
                mode="markers",
                name=category,
                marker=category_marker(n, 8),
                customdata=[pid for pid, m in zip(ids, mask, strict=True) if m],
                text=[projected.names.get(pid, pid) for pid, m in zip(ids, mask, strict=True) if m],
                hovertemplate="%{text}<br>" + category + "<extra></extra>",
            )
        )
    base_layout(fig, height=520)
    # Dragging selects (a box, or a lasso from the toolbar); a click opens one product.
    fig.update_layout(
        showlegend=True,
        legend={"title": {"text": _("Category")}},
        clickmode="event",
        dragmode="select",
    )
    fig.update_xaxes(title_text=_("Component 1"))
    fig.update_yaxes(title_text=_("Component 2"))
    summary = _(
        "%(count)s products projected to two dimensions with PCA; each "
        "category has its own colour and marker shape. Products close together "
        "look and read alike. Click a point to list its similar products "
        "above; drag a box (or a lasso, from the chart's toolbar) to list the "
        "products inside it below and download them. With a keyboard, the "
        "Catalogue page lists the same products by filter.",
        count=number(len(ids)),
    )
    return chart(
        chart_id,
        _("Catalogue embeddings map (PCA)"),
        summary,
        fig,
        [_("Category"), _("Products"), _("Centre, component 1"), _("Centre, component 2")],
        rows,
        numeric=[False, True, True, True],
        config={
            "displayModeBar": True,
            "displaylogo": False,
            "modeBarButtons": [["select2d", "lasso2d", "pan2d", "resetScale2d"]],
        },
    )
