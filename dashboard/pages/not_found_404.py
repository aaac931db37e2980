"""Shown for any path that is not a page."""

from __future__ import annotations

from dash import Dash, html

from dashboard.web.i18n import N_, _

PATH = "/404"
ROLE: str | None = "viewer"
TITLE = N_("Page not found · Vitrine")
DESCRIPTION = N_("The page you asked for does not exist.")
NAV_LABEL = None
ORDER = 99


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            html.H1(_("Page not found")),
            html.P(_("There is no page at this address.")),
            html.P(html.A(_("Go to the dataset overview"), href="/")),
        ]
    )


def register_callbacks(app: Dash) -> None:
    """No callbacks."""
