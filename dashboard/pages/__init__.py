"""Dash pages: one module per page, each holding its layout and its callbacks.

Each module defines PATH, TITLE, DESCRIPTION, NAV_LABEL (None keeps it out of the nav),
ORDER, `layout(**query)` and `register_callbacks(app)`.
"""

from __future__ import annotations

from types import ModuleType

import dash
from dash import Dash

from dashboard.pages import (
    accessibility,
    analysis,
    audit,
    drift,
    explain,
    models,
    not_found_404,
    overview,
    predict,
    similar,
)

PAGES: tuple[ModuleType, ...] = (
    overview,
    predict,
    similar,
    explain,
    models,
    analysis,
    audit,
    drift,
    accessibility,
    not_found_404,
)


def register_all(app: Dash) -> None:
    for module in PAGES:
        dash.register_page(
            module.__name__,
            path=module.PATH,
            title=module.TITLE,
            name=module.TITLE,
            description=module.DESCRIPTION,
            order=module.ORDER,
            layout=module.layout,
            nav_label=module.NAV_LABEL,
        )
        module.register_callbacks(app)
