"""Labelled form controls: every control has a visible label tied to it by id."""

from __future__ import annotations

from typing import Any

from dash import html


def field(label: str, control: Any, control_id: str, *, in_grid: bool = False) -> html.Div:
    """`control` (whose id is `control_id`) under its label; `in_grid` for filter grids."""
    return html.Div(
        className="filter" if in_grid else "field",
        children=[html.Label(label, htmlFor=control_id, className="field__label"), control],
    )
