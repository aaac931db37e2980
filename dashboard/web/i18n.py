"""The interface's language for each request (Flask-Babel), the switch between languages, and
numbers, percentages and dates written for the reader's locale.

The language is the one the browser chose with the header's switch (a cookie kept a year),
else the best match of `Accept-Language`, else English. Outside a request (tests calling a
component, the CLI) everything is English.
"""

from __future__ import annotations

import datetime as dt

from babel.support import NullTranslations
from flask import Flask, has_request_context, redirect, request
from flask.typing import ResponseReturnValue
from flask_babel import Babel, Domain, get_locale, ngettext
from flask_babel import gettext as _

from dashboard.services import locales
from dashboard.services.locales import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    N_,
    supported,
    translations,
)
from dashboard.web.redirects import safe_next
from ml import wording
from ml.categories import CATEGORIES

__all__ = [
    "N_",
    "_",
    "category_label",
    "decimal",
    "language",
    "ngettext",
    "number",
    "percent",
    "when",
    "why",
]

COOKIE = "vitrine_lang"
SWITCH_PREFIX = "/language/"
ONE_YEAR = 365 * 24 * 3600

# Category names are translated for display only; stored and API values stay these.
_CATEGORY_NAMES = (
    N_("Baby Care"),
    N_("Beauty and Personal Care"),
    N_("Computers"),
    N_("Home Decor & Festive Needs"),
    N_("Home Furnishing"),
    N_("Kitchen & Dining"),
    N_("Watches"),
)
assert _CATEGORY_NAMES == CATEGORIES, "every category needs its marked display name"
# The splits' names, marked here so that pages can show _(split).
_SPLIT_NAMES = (N_("train"), N_("validation"), N_("test"))


class _CatalogueDomain(Domain):
    """Flask-Babel's domain, reading our in-memory compiled catalogues instead of .mo files."""

    def get_translations(self) -> NullTranslations:
        return translations(language())


def chosen_language() -> str | None:
    """The request's language: the browser's choice, else Accept-Language, else None."""
    if not has_request_context():
        return None
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(list(LANGUAGES))


def language() -> str:
    """The language code the current request is answered in ("en" outside a request)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    return supported(str(get_locale()))


def why(reason: BaseException | str) -> str:
    """Why something was refused, in the reader's language when the service said it as a
    Phrase (its English text otherwise)."""
    return wording.said(reason, _)


def category_label(category: str) -> str:
    return _(category) if category in CATEGORIES else category


def number(value: float, digits: int = 0) -> str:
    """`value` with the locale's grouping and decimal sign ("1,234.5" / "1 234,5")."""
    return locales.number(value, digits, language())


def decimal(value: float, digits: int, *, signed: bool = False) -> str:
    """`value` with `digits` decimals and no grouping, as "{:.2f}" (or "{:+.2f}") writes it."""
    return locales.decimal(value, digits, language(), signed=signed)


def percent(value: float, digits: int = 1, *, signed: bool = False) -> str:
    """A share as a percentage, as the locale writes one ("82.3%" / "82,3 %")."""
    return locales.percent(value, digits, language(), signed=signed)


def when(moment: dt.datetime) -> str:
    """A time in UTC with the month in the reader's language ("01 déc. 2026 09:30 UTC")."""
    return locales.when(moment, language())


def install(server: Flask) -> None:
    babel = Babel(server, locale_selector=chosen_language)
    babel.domain_instance = _CatalogueDomain()

    @server.get(f"{SWITCH_PREFIX}<code>")
    def choose_language(code: str) -> ResponseReturnValue:
        """A plain link switches the language and comes back to the page it was followed from."""
        if code not in LANGUAGES:
            return {
                "error": "unknown_language",
                "message": f"languages: {', '.join(LANGUAGES)}",
            }, 404
        response = redirect(safe_next(request.args.get("next")), code=303)
        response.set_cookie(
            COOKIE, code, max_age=ONE_YEAR, samesite="Lax", httponly=True, secure=request.is_secure
        )
        return response
