"""Labelled form controls: every control has a visible label tied to it by id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import html

from dashboard.components.aria import aria
from dashboard.web.i18n import N_, _


def field(label: str, control: Any, control_id: str, *, in_grid: bool = False) -> html.Div:
    """`control` (whose id is `control_id`) under its label; `in_grid` for filter grids."""
    return html.Div(
        className="filter" if in_grid else "field",
        children=[html.Label(label, htmlFor=control_id, className="field__label"), control],
    )


def get_form(
    *,
    action: str,
    title: str,
    title_id: str,
    fields: list[Any],
    submit: str,
    after: Sequence[Any] = (),
    wide: bool = False,
) -> html.Form:
    """A filter form sent with GET: the choices land in the URL, so the view can be reloaded,
    bookmarked and shared, and it works before any script has loaded. `wide` fields hold
    long choices (whole sentences of a variable's name and unit)."""
    return html.Form(
        method="get",
        action=action,
        className="audit-filters",
        **aria(labelledby=title_id),
        children=[
            html.H2(title, id=title_id),
            html.Div(
                className="filter-grid filter-grid--wide" if wide else "filter-grid",
                children=fields,
            ),
            html.Button(submit, type="submit", className="btn btn-primary"),
            *after,
        ],
    )


def choice(
    control_id: str,
    name: str,
    options: Sequence[tuple[str, str]],
    current: str | None,
    *,
    blank: str | None = N_("Any"),
) -> html.Select:
    """A native select of a GET form: (value, text) options, `current` chosen, and first an
    empty choice named `blank` (None: no empty choice)."""
    choices = [("", blank), *options] if blank is not None else list(options)
    return html.Select(
        id=control_id,
        name=name,
        className="form-select",
        children=[
            html.Option(_(text), value=value, selected=(value == (current or "")))
            for value, text in choices
        ],
    )
