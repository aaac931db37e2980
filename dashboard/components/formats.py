"""Numbers as tables show them, in the reader's locale; a missing value stays missing (the table
says "—")."""

from __future__ import annotations

from dashboard.web.i18n import decimal, percent


def pct(value: float | None) -> str | None:
    return None if value is None else percent(value, 1)


def num(value: float | None, digits: int) -> str | None:
    return None if value is None else decimal(value, digits)


def sentence_case(text: str) -> str:
    """The first letter up, the rest as written ("Rs." stays "Rs."; str.capitalize lowers it)."""
    return text[:1].upper() + text[1:]
