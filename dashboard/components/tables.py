"""Plain HTML tables with a caption and scoped headers: readable by screen readers as-is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import html
from dash.development.base_component import Component

from dashboard.components.aria import aria
from dashboard.web.i18n import number


def table_region(
    caption: str,
    head: Sequence[Any],
    body: Sequence[Any],
    *,
    label: str | None = None,
    table_id: str | None = None,
) -> html.Div:
    """The accessible shell of every table: a caption, the given header cells (scope="col")
    and body rows (html.Tr with custom cells), in a scrolling region that the keyboard can
    reach and a screen reader announces by `label` (the caption by default)."""
    props: dict[str, Any] = {"id": table_id} if table_id else {}
    return html.Div(
        className="table-scroll",
        # A scrolling region must be reachable by keyboard (axe: scrollable-region-focusable).
        tabIndex="0",
        role="region",
        **aria(label=label or caption),
        children=html.Table(
            className="table table-sm data-table",
            children=[
                html.Caption(caption),
                html.Thead(html.Tr(list(head))),
                html.Tbody(list(body)),
            ],
            **props,
        ),
    )


def data_table(
    caption: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    table_id: str | None = None,
    numeric: Sequence[bool] | None = None,
    row_headers: bool = True,
    prose: Sequence[int] = (),
) -> html.Div:
    """A captioned table of values; the first cell of each row is its header when
    `row_headers`; `numeric` columns are right-aligned; `prose` columns (sentences) keep a
    readable width, so a narrow screen scrolls the table instead of stacking their words."""
    numeric = numeric or [False] * len(columns)

    def cell(index: int, value: Any) -> html.Th | html.Td:
        class_name = "num" if numeric[index] else ("prose" if index in prose else None)
        if index == 0 and row_headers:
            return html.Th(_fmt(value), scope="row", className=class_name)
        return html.Td(_fmt(value), className=class_name)

    head = [
        html.Th(c, scope="col", className="num" if numeric[i] else None)
        for i, c in enumerate(columns)
    ]
    body = [html.Tr([cell(i, v) for i, v in enumerate(row)]) for row in rows]
    return table_region(caption, head, body, table_id=table_id)


def _fmt(value: Any) -> Any:
    if isinstance(value, Component):  # a link, say: shown as it is
        return value
    if value is None:
        return "—"
    if isinstance(value, float):
        return number(value, 3) if abs(value) < 10 else number(value, 1)
    if isinstance(value, int):
        return number(value)
    return str(value)
