"""Element ids of one page, all `<page>-<name>`: two pages never clash, and styles and tests find
a page's elements by its prefix."""

from __future__ import annotations

from collections.abc import Callable


def page_ids(page: str) -> Callable[[str], str]:
    """`ID = page_ids("predict")`, then `ID("upload")` -> "predict-upload"."""

    def element(name: str) -> str:
        return f"{page}-{name}"

    return element
