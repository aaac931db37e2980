"""Key figures and notices."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.components.aria import aria
from dashboard.web.i18n import _


def kpi_cards(figures: list[tuple[str, str]], *, label: str) -> html.Ul:
    """A list of key figures; a list so a screen reader announces how many there are."""
    return html.Ul(
        className="kpi-list",
        **aria(label=label),
        children=[
            html.Li(
                className="kpi",
                children=[
                    html.Span(value, className="kpi__value"),
                    html.Span(name, className="kpi__label"),
                ],
            )
            for name, value in figures
        ],
    )


def text_with_code(text: str) -> list[Any]:
    """`text` shown as text, never as markup: a message can repeat what a visitor typed (a
    product id in the URL), and Markdown would make "[Sign in](https://...)" a live link.
    Only `backtick` spans are set as code, for the commands the messages name."""
    return [html.Code(part) if i % 2 else part for i, part in enumerate(text.split("`")) if part]


def notice(title: str, body: list | str, *, kind: str = "info") -> html.Section:
    """A boxed message; `kind` (info, warning, error) is also said in words, not colour alone."""
    words = {"info": _("Note"), "warning": _("Warning"), "error": _("Error")}[kind]
    return html.Section(
        className=f"notice notice--{kind}",
        children=[
            html.H2([html.Span(f"{words}: ", className="notice__kind"), title]),
            html.Div(body if isinstance(body, list) else [html.P(text_with_code(body))]),
        ],
    )


def database_unavailable(page_title: str) -> html.Div:
    """What a page shows when its data cannot be read: its own heading, and what to do."""
    return html.Div(
        [
            html.H1(page_title),
            notice(
                _("The database does not answer"),
                _(
                    "Nothing was lost; reload the page in a moment. On a new installation, "
                    "`vitrine db upgrade` creates the tables."
                ),
                kind="error",
            ),
        ]
    )
