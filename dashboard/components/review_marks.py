"""How a recorded decision reads in a table cell: a symbol and words, never colour alone."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.web.i18n import _, category_label
from db.models import Review


def review_said(review: Review | None) -> Any:
    if review is None:
        return "—"
    who = f" by {review.username}" if review.username else ""
    if review.decision == "confirm":
        text = _(
            "✓ Confirmed%(who)s",
            who=who,
        )
    else:
        text = _(
            "✎ Corrected to %(category)s%(who)s",
            category=category_label(review.category),
            who=who,
        )
    return html.Span(
        text, title=review.comment or None, className=f"review-mark--{review.decision}"
    )
