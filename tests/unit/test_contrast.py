"""Every text/background pair of the design tokens meets WCAG 2.1 AA contrast."""

from __future__ import annotations

import re

import pytest

from dashboard.resources import assets_dir

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


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(("fg", "bg", "minimum"), PAIRS, ids=[f"{f}/{b}" for f, b, _ in PAIRS])
def test_token_pair_contrast(fg: str, bg: str, minimum: float) -> None:
    assert fg in TOKENS and bg in TOKENS, "a token named here is missing from the CSS"
    ratio = contrast(TOKENS[fg], TOKENS[bg])
    assert ratio >= minimum, f"{fg} on {bg}: {ratio:.2f}:1 < {minimum}:1"
