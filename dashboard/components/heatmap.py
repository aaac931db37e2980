"""The image SHAP map drawn over the product photo: a chart with an accessible name, a summary
in words and a data table per quarter (shared by the Explain page's fast and pixel maps)."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
from dash import html
from PIL import Image

from dashboard.components.charts import base_layout, chart
from dashboard.services.explain import PredictionExplanation
from dashboard.web.i18n import _, category_label, decimal, percent

PATCH = 32  # pixels per side of a fast-map cell (224 / 7)


def _photo_uri(photo: np.ndarray) -> str:
    buffer = io.BytesIO()
    Image.fromarray(photo).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def shap_heatmap(result: PredictionExplanation) -> html.Figure:
    """The image SHAP map over the photo, with its summary and a table per quarter."""
    image = result.image
    # Both maps on one scale: log-odds per 32x32 patch (a fast-map cell, or 1,024 pixels), so
    # the colour bar reads in ordinary numbers instead of millionths per pixel.
    if image.pixels is not None:
        values = image.pixels * PATCH**2
    else:
        values = np.kron(image.grid, np.ones((PATCH, PATCH)))
    size = values.shape[0]
    limit = float(np.abs(values).max()) or 1.0
    fig = go.Figure()
    fig.add_layout_image(
        source=_photo_uri(result.photo),
        xref="x",
        yref="y",
        x=0,
        y=0,
        sizex=size,
        sizey=size,
        sizing="stretch",
        layer="below",
    )
    fig.add_trace(
        go.Heatmap(
            z=values,
            zmin=-limit,
            zmax=limit,
            colorscale="PuOr_r",
            opacity=0.55,
            colorbar={
                "title": {"text": _("SHAP, log-odds per<br>32×32 patch: + towards,<br>− against")}
            },
            hovertemplate="%{z:+.3f} log-odds per patch<extra></extra>",
        )
    )
    base_layout(fig, height=460)
    fig.update_xaxes(range=[0, size], showgrid=False, visible=False, constrain="domain")
    fig.update_yaxes(range=[size, 0], showgrid=False, visible=False, scaleanchor="x")
    shares = image.quadrant_shares()
    rows = [
        (
            name.replace("-", " "),
            percent(share, 0),
            decimal(_signed(image.grid, name), 4, signed=True),
        )
        for name, share in shares.items()
    ]
    mode = _("7x7 feature-map cells") if image.mode == "cells" else _("pixels (blur masker)")
    summary = _(
        "%(summary)s Attributions over %(mode)s, %(evaluations)s model "
        "evaluations, %(seconds)s s. They explain the log-odds of %(target)s "
        "(log(p / (1 − p)), readable even at 99.99%% confidence) and add up "
        "from the base value %(base_value)s to the model's %(output_value)s.",
        summary=image.summary(_),
        mode=mode,
        evaluations=image.evaluations,
        seconds=decimal(image.seconds, 2),
        target=category_label(result.target),
        base_value=decimal(image.base_value, 2, signed=True),
        output_value=decimal(image.output_value, 2, signed=True),
    )
    fast = image.mode == "cells"
    return chart(
        f"explain-{'image' if fast else 'pixels'}-{result.prediction_id}",
        _(
            "%(value)s: where the photo pushed towards %(target)s",
            value=_("Fast map") if fast else _("Pixel-level map"),
            target=category_label(result.target),
        ),
        summary,
        fig,
        [_("Quarter"), _("Share of |SHAP|"), _("Net SHAP")],
        rows,
        numeric=[False, True, True],
    )


def _signed(grid: np.ndarray, quarter: str) -> float:
    fine = np.kron(grid, np.ones((2, 2))) / 4
    half = grid.shape[0]
    rows = slice(None, half) if quarter.startswith("top") else slice(half, None)
    cols = slice(None, half) if quarter.endswith("left") else slice(half, None)
    return float(fine[rows, cols].sum())


def map_agreement(fast: PredictionExplanation, pixels: PredictionExplanation) -> html.P:
    """Whether the fast and the pixel map point to the same quarter, and how alike they are."""
    fast_shares = fast.image.quadrant_shares()
    pixel_shares = pixels.image.quadrant_shares()
    fast_top = max(fast_shares, key=fast_shares.__getitem__)
    pixel_top = max(pixel_shares, key=pixel_shares.__getitem__)
    a, b = fast.image.grid.ravel(), pixels.image.grid.ravel()
    alike = float(np.corrcoef(a, b)[0, 1]) if a.std() and b.std() else 0.0
    if fast_top == pixel_top:
        said = _(
            "The two maps agree: the %(fast_top)s quarter matters most in both",
            fast_top=fast_top,
        )
    else:
        said = _(
            "The two maps disagree: the fast map points to the %(fast_top)s "
            "quarter, the pixel map to the %(pixel_top)s quarter",
            fast_top=fast_top,
            pixel_top=pixel_top,
        )
    return html.P(
        _(
            "%(said)s (cell-by-cell correlation %(alike)s). The fast map masks the "
            "backbone's 7×7 feature cells and is exact for what the classifier "
            "reads; the pixel map blurs parts of the photo itself, so it also "
            "shows what the backbone reacts to. Where they disagree, trust the "
            "pixel map for which part of the photo mattered.",
            said=said,
            alike=decimal(alike, 2, signed=True),
        ),
        className="map-agreement",
    )
