"""ARIA attributes for Dash's html components, which accept them only as dashed keyword names."""

from __future__ import annotations

from typing import Any


def aria(**attributes: str) -> dict[str, Any]:
    """`**aria(label="Main", live="polite")` -> aria-label="Main" aria-live="polite"."""
    return {f"aria-{name}": value for name, value in attributes.items()}


def data(**attributes: str) -> dict[str, Any]:
    """`**data(lazy_chart="true")` -> data-lazy-chart="true"."""
    return {f"data-{name.replace('_', '-')}": value for name, value in attributes.items()}
