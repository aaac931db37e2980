"""Dash pages: one module per page, each holding its layout and its callbacks.

Each module defines PATH, ROLE (who may read it; None: anyone), TITLE, DESCRIPTION, NAV_LABEL
(None keeps it out of the nav), ORDER, `layout(**query)` and `register_callbacks(app)`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import ModuleType
from typing import Any

import dash
from dash import Dash, html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.components.cards import database_unavailable, notice
from dashboard.pages import (
    accessibility,
    analysis,
    audit,
    batch,
    catalogue,
    drift,
    explain,
    models,
    not_found_404,
    overview,
    predict,
    review,
    similarity,
)
from dashboard.web.auth import page_denial
from dashboard.web.i18n import _

log = logging.getLogger(__name__)

PAGES: tuple[ModuleType, ...] = (
    overview,
    predict,
    catalogue,
    similarity,
    explain,
    models,
    analysis,
    review,
    batch,
    audit,
    drift,
    accessibility,
    not_found_404,
)


def _guarded(module: ModuleType) -> Callable[..., Any]:
    """The page's layout, or why the current user may not see it (when access control is on),
    or that its data cannot be read now (a database outage), under the page's own heading.

    Dash renders pages through callbacks, so the check lives here and not only on the URL.
    """
    path, layout = module.PATH, module.layout

    def guarded(**query: str) -> Any:
        try:
            denial = page_denial(path)
        except SQLAlchemyError:
            denial = (_("The database does not answer"), _("Try again in a moment."))
        if denial is not None:
            title, message = denial
            return html.Div([html.H1(title), notice(title, message, kind="error")])
        try:
            return layout(**query)
        except SQLAlchemyError as exc:
            log.warning("%s: database unavailable (%s)", path, exc.__class__.__name__)
            return database_unavailable(_(module.TITLE).removesuffix(" · Vitrine"))

    return guarded


def _in_readers_language(text: str) -> Callable[[], str]:
    """A page's title or description, translated each time Dash asks (every navigation)."""
    return lambda: _(text)


def page_roles() -> dict[str, str | None]:
    """Path -> the role each page declares, for the access check."""
    return {module.PATH: module.ROLE for module in PAGES}


def metered_callbacks() -> dict[str, tuple[str, str]]:
    """Output id -> (rate-limit budget, status id) of the callbacks that predict or explain."""
    return {key: value for module in PAGES for key, value in getattr(module, "METERED", {}).items()}


def register_all(app: Dash) -> None:
    for module in PAGES:
        dash.register_page(
            module.__name__,
            path=module.PATH,
            title=_in_readers_language(module.TITLE),
            name=module.TITLE,
            description=_in_readers_language(module.DESCRIPTION),
            order=module.ORDER,
            layout=_guarded(module),
            nav_label=module.NAV_LABEL,
        )
        module.register_callbacks(app)
