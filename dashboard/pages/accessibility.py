"""Accessibility statement: what conforms, known limits, how to report a problem."""

from __future__ import annotations

from dash import Dash, html
from dash.development.base_component import Component

from dashboard.web.i18n import N_, _

PATH = "/accessibility"
ROLE: str | None = None  # the accessibility statement is for everyone
TITLE = N_("Accessibility statement · Vitrine")
DESCRIPTION = N_("How Vitrine meets WCAG 2.1 AA, its known limits and how to report a problem.")
NAV_LABEL = N_("Accessibility")
ORDER = 90


def layout(**_query: str) -> Component:
    return html.Article(
        [
            html.H1(_("Accessibility statement")),
            html.P(
                _(
                    "Vitrine aims to conform to the Web Content Accessibility Guidelines (WCAG) "
                    "2.1 "
                    "at level AA, for people who use a mouse, only a keyboard, a screen reader, "
                    "high zoom, or who do not tell some colours apart."
                )
            ),
            html.H2(_("What we check")),
            html.Ul(
                [
                    html.Li(
                        _(
                            "Every page is audited automatically in a real browser with axe-core "
                            "against the WCAG 2.2 A and AA rules and axe's best practices; a "
                            "violation fails the build."
                        )
                    ),
                    html.Li(
                        _(
                            "A “Skip to main content” link is the first thing the Tab key "
                            "reaches on "
                            "every page, and it moves focus into the main content."
                        )
                    ),
                    html.Li(
                        _(
                            "Text colours are defined once as CSS variables with a contrast of at "
                            "least 4.5:1 against their background."
                        )
                    ),
                    html.Li(
                        _(
                            "Each page has its own title, one main landmark and one top-level "
                            "heading."
                        )
                    ),
                    html.Li(
                        _(
                            "The browser's accessibility tree of every page is read in order, as a "
                            "screen reader meets it: one banner, main and footer landmark, "
                            "headings "
                            "that never skip a level, and every control named once."
                        )
                    ),
                    html.Li(_("Charts come with a text summary and a data table alternative.")),
                ]
            ),
            html.H2(_("Known limits")),
            html.P(
                _(
                    "Interactive charts are drawn with Plotly; their pointer interactions (zoom, "
                    "hover) have no keyboard equivalent, so every chart's data is also given as a "
                    "table. The full Evidently drift report on the Drift page is Evidently's own "
                    "HTML, embedded as is; its findings are repeated in an accessible table above "
                    "it. Please tell us about anything else that gets in your way."
                )
            ),
            html.H2(_("Report a problem")),
            html.P(
                _(
                    "Open an issue in the project's tracker, or write to your Vitrine "
                    "administrator, "
                    "naming the page, what you tried to do and the assistive technology you use. "
                    "We aim to answer within five working days."
                )
            ),
        ]
    )


def register_callbacks(app: Dash) -> None:
    """No callbacks."""
