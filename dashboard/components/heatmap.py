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
                "title": {"text": "SHAP, log-odds per<br>32×32 patch: + towards,<br>− against"}
            },
            hovertemplate="%{z:+.3f} log-odds per patch<extra></extra>",
        )
    )
    base_layout(fig, height=460)
    fig.update_xaxes(range=[0, size], showgrid=False, visible=False, constrain="domain")
    fig.update_yaxes(range=[size, 0], showgrid=False, visible=False, scaleanchor="x")
    shares = image.quadrant_shares()
    rows = [
        (name.replace("-", " "), f"{share:.0%}", f"{_signed(image.grid, name):+.4f}")
        for name, share in shares.items()
    ]
    mode = "7x7 feature-map cells" if image.mode == "cells" else "pixels (blur masker)"
    summary = (
        f"{image.summary()} Attributions over {mode}, {image.evaluations} model "
        f"evaluations, {image.seconds:.2f} s. They explain the log-odds of {result.target} "
        f"(log(p / (1 − p)), readable even at 99.99% confidence) and add up from the base "
        f"value {image.base_value:+.2f} to the model's {image.output_value:+.2f}."
    )
    fast = image.mode == "cells"
    return chart(
        f"explain-{'image' if fast else 'pixels'}-{result.prediction_id}",
        f"{'Fast map' if fast else 'Pixel-level map'}: where the photo pushed towards "
        f"{result.target}",
        summary,
        fig,
        ["Quarter", "Share of |SHAP|", "Net SHAP"],
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
        said = f"The two maps agree: the {fast_top} quarter matters most in both"
    else:
        said = (
            f"The two maps disagree: the fast map points to the {fast_top} quarter, the "
            f"pixel map to the {pixel_top} quarter"
        )
    return html.P(
        f"{said} (cell-by-cell correlation {alike:+.2f}). The fast map masks the backbone's "
        "7×7 feature cells and is exact for what the classifier reads; the pixel map blurs "
        "parts of the photo itself, so it also shows what the backbone reacts to. Where they "
        "disagree, trust the pixel map for which part of the photo mattered.",
        className="map-agreement",
    )
