"""Sentences ml writes for people, in the caller's language.

ml knows no catalogue of translations: a caller that speaks another language passes its
gettext (`message, **values -> str`, as Flask-Babel's); the default writes English. Messages
are marked with `_()` / `N_()` so that `pybabel extract` finds them here too.
"""

from __future__ import annotations

from typing import Protocol


class Translate(Protocol):
    def __call__(self, message: str, **values: object) -> str: ...


def english(message: str, **values: object) -> str:
    return message % values if values else message


def N_(message: str) -> str:
    """Marks `message` for extraction where it is defined; it is translated where it is used."""
    return message


def listed(items: list[str], _: Translate = english) -> str:
    """ "a", "a or b", "a, b or c"."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s or %(last)s", first=", ".join(items[:-1]), last=items[-1])


def joined(items: list[str], _: Translate = english) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s", first=", ".join(items[:-1]), last=items[-1])


# Where a quarter or a placement of a photo is, as people read it.
PLACES = {
    "top-left": N_("top-left"),
    "top-right": N_("top-right"),
    "bottom-left": N_("bottom-left"),
    "bottom-right": N_("bottom-right"),
    "centre-crop": N_("centre-crop"),
}


class Phrase(str):
    """A sentence for people that is English as a str (logs, the API, the CLI) and can be said
    again in another language: `Phrase("no prediction #%(id)s", id=12)`."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Phrase:
        phrase = super().__new__(cls, english(template, **values))
        phrase.template, phrase.values = template, values
        return phrase

    def said(self, _: Translate) -> str:
        return _(self.template, **self.values)


def said(reason: BaseException | str, _: Translate = english) -> str:
    """Why, in `_`'s language: a Phrase an exception carries (as an argument, or as its
    `phrase`) is said again; anything else is given as it is."""
    found = reason if isinstance(reason, Phrase) else getattr(reason, "phrase", None)
    if found is None and isinstance(reason, BaseException):
        found = next((a for a in reason.args if isinstance(a, Phrase)), None)
    return found.said(_) if isinstance(found, Phrase) else str(reason)
