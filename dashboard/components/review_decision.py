"""The decision buttons of a review item: keep the category shown, or correct it to another,
with an optional comment and a status line that says what was recorded.

Two kinds of item use it: a prediction ("review", keyed by its id) and a catalogue label
("label", keyed by the product's id). Each part has a pattern-matching id of its kind, so
one callback per kind serves every item on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import dcc, html

from dashboard.components.aria import aria
from dashboard.web.i18n import _

KINDS = ("review", "label")


def decide_type(kind: str) -> str:
    return f"{kind}-decide"


def comment_type(kind: str) -> str:
    return f"{kind}-comment"


def outcome_type(kind: str) -> str:
    return f"{kind}-outcome"


def decision_group(
    kind: str,
    item: int | str,
    shown: str,
    keep_text: str,
    others: list[str],
    heading_id: str,
) -> html.Div:
    """`keep_text` ("Confirm Watches", "Keep Watches") keeps `shown`; each of `others` (most
    likely first) corrects to it. Buttons are named in full for screen readers."""

    def button(text: str, target: str, name: str, primary: bool) -> html.Button:
        return html.Button(
            text,
            id={"type": decide_type(kind), "item": item, "category": target},
            type="button",
            className="btn btn-primary" if primary else "btn btn-outline-secondary btn-sm",
            **aria(label=name),
        )

    group_id = f"{heading_id}-decide"
    return html.Div(
        className="review-decision",
        role="group",
        **aria(labelledby=f"{group_id} {heading_id}"),
        children=[
            html.Span(_("Decide"), id=group_id, className="visually-hidden"),
            button(keep_text, shown, keep_text, True),
            html.Span(_(" or correct to: "), className="review-decision__or"),
            *(
                button(
                    c,
                    c,
                    _(
                        "Correct to %(c)s",
                        c=c,
                    ),
                    False,
                )
                for c in others
            ),
            # The label wraps its input: a pattern-matching id has no plain id to point at.
            html.Label(
                className="review-decision__comment",
                children=[
                    _("Comment (optional) "),
                    dcc.Input(
                        id={"type": comment_type(kind), "item": item},
                        type="text",
                        maxLength=1000,
                        className="form-control form-control-sm",
                    ),
                ],
            ),
            html.Div(id={"type": outcome_type(kind), "item": item}, role="status"),
        ],
    )


def ranked_others(
    shown: str, probabilities: dict[str, float], categories: Sequence[str]
) -> list[str]:
    """Every category but `shown`, most probable first."""
    ranked = sorted(probabilities, key=lambda c: -probabilities[c])
    return [c for c in ranked if c != shown] + [
        c for c in categories if c != shown and c not in probabilities
    ]


def said(decision: str, category: str) -> str:
    return (
        _(
            "Recorded: confirmed %(category)s.",
            category=category,
        )
        if decision == "confirm"
        else _(
            "Recorded: corrected to %(category)s.",
            category=category,
        )
    )


def item_shell(item_id: str, heading_id: str, photo: Any, body: list[Any]) -> html.Li:
    """One item of the list: focusable (the page moves focus along it), named by its heading."""
    return html.Li(
        id=item_id,
        className="review-item",
        tabIndex="-1",
        **aria(labelledby=heading_id),
        children=[photo, html.Div(className="review-item__body", children=body)],
    )
