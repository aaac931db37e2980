"""The page shell every page shares: skip link, header with navigation, main, footer."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import dash
from dash import Dash, Input, Output, html
from flask_login import current_user

from dashboard.components.aria import aria, data
from dashboard.services.locales import LANGUAGES
from dashboard.web.context import services
from dashboard.web.i18n import SWITCH_PREFIX, _, language

NAV_ID = "site-nav-list"
LANGUAGE_ID = "site-language"
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
                    _(label),
                    href=page["relative_path"],
                    className="site-nav__link" + (" is-current" if current else ""),
                    **link_props,
                ),
                className="site-nav__item",
            )
        )
    return items


def language_switch(pathname: str | None, search: str | None) -> list[Any]:
    """The interface's languages: the current one named and marked, the others plain links
    that switch and come back to this page (the choice is kept in this browser)."""
    here = quote((pathname or "/") + (search or ""), safe="")
    items: list[Any] = []
    for code, name in LANGUAGES.items():
        item: html.Span | html.A
        if code == language():
            item = html.Span(
                name, lang=code, className="language-switch__current", **aria(current="true")
            )
        else:
            item = html.A(name, href=f"{SWITCH_PREFIX}{code}?next={here}", lang=code, hrefLang=code)
        items.append(html.Li(item, className="language-switch__item"))
    return [html.Ul(items, className="language-switch__list")]


def access_bar() -> html.Div:
    """Says when access control is off; otherwise who is signed in, with a way out."""
    if services().settings.auth != "required":
        return html.Div(
            className="access-bar access-bar--open",
            id="access-bar",
            children=[
                html.Strong(_("⚠ Access control is off.") + " "),
                _(
                    "Anyone who can reach this address can use every page, read the audit trail "
                    "and export it. Set VITRINE_AUTH=required to require accounts."
                ),
            ],
        )
    if not current_user.is_authenticated:
        return html.Div(
            className="access-bar", id="access-bar", children=html.A(_("Sign in"), href="/login")
        )
    return html.Div(
        className="access-bar",
        id="access-bar",
        children=[
            html.Span(
                _(
                    "Signed in as %(user)s (%(role)s)",
                    user=current_user.username,
                    role=current_user.role,
                )
            ),
            html.Form(
                html.Button(_("Sign out"), type="submit", className="btn btn-link access-bar__out"),
                method="post",
                action="/logout",
            ),
        ],
    )


def layout() -> html.Div:
    return html.Div(
        className="site",
        children=[
            html.A(_("Skip to main content"), href="#main-content", className="skip-link"),
            html.Header(
                className="site-header",
                children=[
                    # Inside the banner landmark: a screen reader finds it with the header.
                    access_bar(),
                    html.Nav(
                        language_switch("/", ""),
                        id=LANGUAGE_ID,
                        className="language-switch",
                        **aria(label=_("Language")),
                    ),
                    html.Div(
                        className="site-header__inner",
                        children=[
                            html.A(
                                [
                                    html.Span("Vitrine", className="site-brand__name"),
                                    html.Span(
                                        _("product image classification"),
                                        className="site-brand__tagline",
                                    ),
                                ],
                                href="/",
                                className="site-brand",
                            ),
                            html.Nav(
                                html.Ul(nav_items(None), id=NAV_ID, className="site-nav__list"),
                                className="site-nav",
                                **aria(label=_("Main")),
                            ),
                        ],
                    ),
                ],
            ),
            html.Main(
                dash.page_container,
                id="main-content",
                className="site-main",
                tabIndex="-1",
            ),
            # Words the page's scripts write (assets/21-stepper-names.js), in its language.
            html.Div(
                id="page-words",
                hidden=True,
                **data(decrease=_("Decrease %(field)s"), increase=_("Increase %(field)s")),
            ),
            html.Footer(
                className="site-footer",
                children=html.P(
                    [
                        "Vitrine · ",
                        html.A(_("Accessibility statement"), href="/accessibility"),
                        " · ",
                        html.A(_("API health"), href="/api/health"),
                    ]
                ),
            ),
        ],
    )


def register_callbacks(app: Dash) -> None:
    @app.callback(
        Output(LANGUAGE_ID, "children"),
        Input(PAGES_LOCATION_ID, "pathname"),
        Input(PAGES_LOCATION_ID, "search"),
    )
    def follow_page(pathname: str | None, search: str | None) -> list[Any]:
        return language_switch(pathname, search)

    @app.callback(Output(NAV_ID, "children"), Input(PAGES_LOCATION_ID, "pathname"))
    def mark_current(pathname: str | None) -> list[html.Li]:
        return nav_items(pathname)
