"""The interface's languages and their gettext catalogues (Babel), usable without a request.

Catalogues live as `translations/<lang>/LC_MESSAGES/messages.po` in the package. They are
compiled in memory on first use, so no generated `.mo` file has to be built, shipped or kept in
step with its `.po`. English is the source language: its messages are the msgids themselves.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from functools import lru_cache
from pathlib import Path

from babel import Locale, dates
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern
from babel.support import NullTranslations, Translations

from ml.wording import N_, Translate

__all__ = ["N_", "decimal", "gettext_for", "number", "percent", "translations", "when"]

LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français"}
DEFAULT_LANGUAGE = "en"
CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"


def catalogue_path(language: str) -> Path:
    return CATALOGUE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def supported(language: str | None) -> str:
    """`language` if the interface speaks it, else the default."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of `language` (fuzzy entries left out, as `pybabel compile` does)."""
    language = supported(language)
    path = catalogue_path(language)
    if language == DEFAULT_LANGUAGE or not path.exists():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def gettext_for(language: str) -> Translate:
    """`_` for one language outside a request (reports, the CLI): `_("%(n)s products", n=3)`."""
    catalogue = translations(language)

    def gettext(message: str, **values: object) -> str:
        translated = catalogue.gettext(message)
        return translated % values if values else translated

    return gettext


def _pattern(kind: str, digits: int, locale: Locale) -> NumberPattern:
    """The locale's own decimal or percent pattern (its signs and spacing), `digits` decimals."""
    formats = locale.percent_formats if kind == "percent" else locale.decimal_formats
    pattern = copy.copy(formats[None])
    pattern.frac_prec = (digits, digits)
    return pattern


def number(value: float, digits: int, language: str) -> str:
    """`value` with the locale's grouping and decimal sign ("1,234.5" / "1 234,5")."""
    locale = Locale.parse(supported(language))
    return _pattern("decimal", digits, locale).apply(value, locale)


def decimal(value: float, digits: int, language: str, *, signed: bool = False) -> str:
    """`value` with `digits` decimals and no grouping, as "{:.2f}" (or "{:+.2f}") writes it."""
    locale = Locale.parse(supported(language))
    text = _pattern("decimal", digits, locale).apply(value, locale, group_separator=False)
    return _with_sign(text, signed)


def percent(value: float, digits: int, language: str, *, signed: bool = False) -> str:
    """A share as a percentage, as the locale writes one ("82.3%" / "82,3 %"); `signed` writes
    "+" before a gain, as "{:+.1%}" does."""
    locale = Locale.parse(supported(language))
    text = _pattern("percent", digits, locale).apply(value, locale, group_separator=False)
    return _with_sign(text, signed)


def _with_sign(text: str, signed: bool) -> str:
    return "+" + text if signed and not text.startswith("-") else text


def when(moment: dt.datetime, language: str) -> str:
    """A time in UTC, as stored, with the month in the reader's language ("01 Dec 2026 09:30
    UTC" / "01 déc. 2026 09:30 UTC")."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    locale = Locale.parse(supported(language))
    return dates.format_datetime(moment, "dd MMM y HH:mm", tzinfo=dt.UTC, locale=locale) + " UTC"
