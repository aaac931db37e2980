"""Paging links of a filtered list whose view lives in its URL (audit trail, review queue)."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import html

from dashboard.components.aria import aria
from dashboard.web.i18n import _


def page_link(path: str, raw: dict[str, str], **changes: object) -> str:
    """The page's URL with its current query `raw`, some parameters changed."""
    return f"{path}?{urlencode({**raw, **{k: str(v) for k, v in changes.items()}})}"


def pager(path: str, raw: dict[str, str], page: int, page_size: int, total: int) -> html.Nav:
    pages = max(1, -(-total // page_size))
    items = []
    if page > 1:
        items.append(html.Li(html.A(_("Previous page"), href=page_link(path, raw, page=page - 1))))
    items.append(
        html.Li(
            _(
                "Page %(page)s of %(pages)s",
                page=page,
                pages=pages,
            ),
            **aria(current="page"),
        )
    )
    if page < pages:
        items.append(html.Li(html.A(_("Next page"), href=page_link(path, raw, page=page + 1))))
    return html.Nav(html.Ul(items, className="pager"), **aria(label=_("Pages")))
