"""How a recorded decision reads in a table cell: a symbol and words, never colour alone."""

from __future__ import annotations

from typing import Any

from dash import html

from db.models import Review


def review_said(review: Review | None) -> Any:
    if review is None:
        return "—"
    who = f" by {review.username}" if review.username else ""
    if review.decision == "confirm":
        text = f"✓ Confirmed{who}"
    else:
        text = f"✎ Corrected to {review.category}{who}"
    return html.Span(
        text, title=review.comment or None, className=f"review-mark--{review.decision}"
    )
