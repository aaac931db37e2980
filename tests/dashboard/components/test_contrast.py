"""Every text/background pair of the design tokens, and every chart marker, meets WCAG 2.1 AA
contrast."""

from __future__ import annotations

import re

import pytest

from dashboard.components.charts import OUTLINE, PALETTE, PLOT_BACKGROUND, marker_outline
from dashboard.components.colour import contrast
from dashboard.web.resources import assets_dir

CSS = (assets_dir() / "10-vitrine.css").read_text()
TOKENS = dict(re.findall(r"--(vt-[a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\s*;", CSS))

# (foreground, background, minimum ratio): body text 4.5:1, focus indicators 3:1.
PAIRS = [
    ("vt-text", "vt-bg", 4.5),
    ("vt-text", "vt-surface", 4.5),
    ("vt-text-muted", "vt-bg", 4.5),
    ("vt-text-muted", "vt-surface", 4.5),
    ("vt-link", "vt-bg", 4.5),
    ("vt-link", "vt-surface", 4.5),
    ("vt-header-text", "vt-header-bg", 4.5),
    ("vt-header-link", "vt-header-bg", 4.5),
    ("vt-info-text", "vt-info-bg", 4.5),
    ("vt-warning-text", "vt-warning-bg", 4.5),
    ("vt-error-text", "vt-error-bg", 4.5),
    ("vt-success-text", "vt-success-bg", 4.5),
    ("vt-link", "vt-info-bg", 4.5),
    ("vt-focus-ring", "vt-bg", 3.0),
    ("vt-focus-ring", "vt-surface", 3.0),
    ("vt-focus-ring-on-dark", "vt-header-bg", 3.0),
    ("vt-border", "vt-bg", 3.0),
]


def test_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(("fg", "bg", "minimum"), PAIRS, ids=[f"{f}/{b}" for f, b, _ in PAIRS])
def test_token_pair_contrast(fg: str, bg: str, minimum: float) -> None:
    assert fg in TOKENS and bg in TOKENS, "a token named here is missing from the CSS"
    ratio = contrast(TOKENS[fg], TOKENS[bg])
    assert ratio >= minimum, f"{fg} on {bg}: {ratio:.2f}:1 < {minimum}:1"


@pytest.mark.parametrize("colour", PALETTE)
def test_chart_markers_stand_out_from_the_plot(colour: str) -> None:
    """Markers reach 3:1 against the plot (WCAG 1.4.11) by their colour or by an outline."""
    outline = marker_outline(colour)
    if contrast(colour, PLOT_BACKGROUND) >= 3:
        assert outline["width"] == 0  # drawing outlines is costly; only where they are needed
    else:
        assert outline["width"] > 0 and outline["color"] == OUTLINE
        assert contrast(OUTLINE, PLOT_BACKGROUND) >= 3


def test_heatmap_cell_labels_keep_their_contrast_on_every_cell() -> None:
    """The confusion matrix and the spatial audit label each cell in black or white, whichever
    reads on that cell's colour (grey on grey was unreadable)."""
    import plotly.graph_objects as go
    from plotly.colors import sample_colorscale, unlabel_rgb

    from dashboard.components.charts import label_cells

    z = [[float(i * 7 + j) for j in range(7)] for i in range(7)]  # every shade of the scale
    fig = go.Figure()
    label_cells(fig, z, [[f"{v:.0f}" for v in row] for row in z], "Blues")
    assert len(fig.layout.annotations) == 49
    for note in fig.layout.annotations:
        level = z[note.y][note.x] / 48
        rgb = unlabel_rgb(sample_colorscale("Blues", [level])[0])
        cell = "#" + "".join(f"{round(c):02x}" for c in rgb)
        assert contrast(note.font.color, cell) >= 4.5, (note.text, cell, note.font.color)
