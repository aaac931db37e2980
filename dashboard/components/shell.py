"""The page shell every page shares: skip link, header with navigation, main, footer."""

from __future__ import annotations

import dash
from dash import Dash, Input, Output, html
from flask_login import current_user

from dashboard.components.aria import aria
from dashboard.web.context import services

NAV_ID = "site-nav-list"
# The Location component that Dash Pages puts inside page_container.
PAGES_LOCATION_ID = "_pages_location"


def nav_items(pathname: str | None) -> list[html.Li]:
    """Links to every page that asks to be in the navigation, the current one marked."""
    items = []
    pages = sorted(dash.page_registry.values(), key=lambda p: p.get("order") or 0)
    for page in pages:
        label = page.get("nav_label")
        if not label:
            continue
        current = pathname == page["relative_path"]
        link_props = aria(current="page") if current else {}
        items.append(
            html.Li(
                html.A(
                    label,
                    href=page["relative_path"],
                    className="site-nav__link" + (" is-current" if current else ""),
                    **link_props,
                ),
                className="site-nav__item",
            )
        )
    return items


def access_bar() -> html.Div:
    """Says when access control is off; otherwise who is signed in, with a way out."""
    if services().settings.auth != "required":
        return html.Div(
            className="access-bar access-bar--open",
            id="access-bar",
            children=[
                html.Strong("⚠ Access control is off. "),
                "Anyone who can reach this address can use every page, read the audit trail "
                "and export it. Set VITRINE_AUTH=required to require accounts.",
            ],
        )
    if not current_user.is_authenticated:
        return html.Div(
            className="access-bar", id="access-bar", children=html.A("Sign in", href="/login")
        )
    return html.Div(
        className="access-bar",
        id="access-bar",
        children=[
            html.Span(f"Signed in as {current_user.username} ({current_user.role})"),
            html.Form(
                html.Button("Sign out", type="submit", className="btn btn-link access-bar__out"),
                method="post",
                action="/logout",
            ),
        ],
    )


def layout() -> html.Div:
    return html.Div(
        className="site",
        children=[
            html.A("Skip to main content", href="#main-content", className="skip-link"),
            html.Header(
                className="site-header",
                children=[
                    # Inside the banner landmark: a screen reader finds it with the header.
                    access_bar(),
                    html.Div(
                        className="site-header__inner",
                        children=[
                            html.A(
                                [
                                    html.Span("Vitrine", className="site-brand__name"),
                                    html.Span(
                                        "product image classification",
                                        className="site-brand__tagline",
                                    ),
                                ],
                                href="/",
                                className="site-brand",
                            ),
                            html.Nav(
                                html.Ul(nav_items(None), id=NAV_ID, className="site-nav__list"),
                                className="site-nav",
                                **aria(label="Main"),
                            ),
                        ],
                    )
                ],
            ),
            html.Main(
                dash.page_container,
                id="main-content",
                className="site-main",
                tabIndex="-1",
            ),
            html.Footer(
                className="site-footer",
                children=html.P(
                    [
                        "Vitrine · ",
                        html.A("Accessibility statement", href="/accessibility"),
                        " · ",
                        html.A("API health", href="/api/health"),
                    ]
                ),
            ),
        ],
    )


def register_callbacks(app: Dash) -> None:
    @app.callback(Output(NAV_ID, "children"), Input(PAGES_LOCATION_ID, "pathname"))
    def mark_current(pathname: str | None) -> list[html.Li]:
        return nav_items(pathname)
