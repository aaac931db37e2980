"""Audit trail: every prediction, filtered, sorted and paged on the server; CSV of the filter.

The filters are a plain GET form with native controls, and sorting and paging are links, so
the page works the same with a keyboard, a screen reader or a bookmark.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from dash import Dash, dcc, html
from dash.development.base_component import Component
from pydantic import ValidationError

from dashboard.components.aria import aria
from dashboard.components.cards import kpi_cards, notice
from dashboard.components.forms import choice, field, get_form
from dashboard.components.pager import page_link, pager
from dashboard.components.report_links import report_cell_link
from dashboard.components.review_marks import review_said
from dashboard.components.tables import table_region
from dashboard.services.audit import AuditQuery, audit_page
from dashboard.web.context import services
from ml.categories import CATEGORIES
from ml.models.registry import SERVING

PATH = "/audit"
ROLE: str | None = "auditor"
TITLE = "Audit trail · Vitrine"
DESCRIPTION = "Every prediction Vitrine made, filtered and exported as CSV."
NAV_LABEL = "Audit trail"
ORDER = 60

# The API's filters; the page asks for confidence in percent, as its table shows it.
FILTER_FIELDS = (
    "since",
    "until",
    "category",
    "model",
    "source",
    "min_confidence",
    "max_confidence",
    "fallback",
    "needs_review",
)
PERCENT_FIELDS = {"min_percent": "min_confidence", "max_percent": "max_confidence"}
LABELS = {
    "since": "From (date)",
    "until": "Until (date, included)",
    "category": "Category",
    "model": "Model",
    "source": "Source",
    "min_percent": "Confidence at least (%)",
    "max_percent": "Confidence at most (%)",
    "min_confidence": "Confidence at least (%)",
    "max_confidence": "Confidence at most (%)",
    "fallback": "Image-only fallback",
    "needs_review": "Needs review",
    "sort": "Sort",
    "page": "Page",
    "page_size": "Rows per page",
}
COLUMNS = [
    (None, "Prediction"),
    ("created_at", "Time (UTC)"),
    ("category", "Category"),
    ("confidence", "Confidence"),
    ("model", "Model"),
    ("source", "Source"),
    (None, "Fallback"),
    (None, "Needs review"),
    (None, "Product"),
    ("latency_ms", "Latency (ms)"),
    (None, "Request id"),
    (None, "Review"),
    (None, "Report"),
]


def _query(raw: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The API's query from the page's (percentages become fractions), and what is wrong."""
    params: dict[str, Any] = {
        k: v for k, v in raw.items() if k != "format" and k not in PERCENT_FIELDS
    }
    problems = []
    for name, target in PERCENT_FIELDS.items():
        if name not in raw:
            continue
        try:
            value = float(raw[name])
        except ValueError:
            value = math.nan
        if not 0 <= value <= 100:
            problems.append(f"{LABELS[name]}: give a number from 0 to 100.")
        else:
            params[target] = value / 100
    return params, problems


def _said_for_people(exc: ValidationError) -> list[str]:
    """pydantic's messages name fields and types; these name the form's labels."""
    said = []
    for error in exc.errors():
        field_name = str(error["loc"][0]) if error["loc"] else ""
        label = LABELS.get(field_name, field_name.replace("_", " ").capitalize())
        kind = error["type"]
        if kind in ("date_from_datetime_parsing", "datetime_from_date_parsing", "date_parsing"):
            said.append(f"{label}: give a date as YYYY-MM-DD.")
        elif kind == "extra_forbidden":
            said.append(f"This page has no filter called “{field_name[:40]}”: it was ignored.")
        elif kind == "value_error" and "min_confidence is above" in error["msg"]:
            said.append("Confidence at least is above Confidence at most.")
        elif kind == "value_error" and "sort by" in error["msg"]:
            said.append("Sort: use the column headings to sort.")
        elif kind in ("int_parsing", "greater_than_equal", "less_than_equal"):
            said.append(f"{label}: give a whole number in range.")
        else:
            said.append(f"{label}: this value is not one the filter accepts.")
    # One sentence per field is enough (a union of date and time reports twice).
    return list(dict.fromkeys(said))


def layout(**query: str) -> html.Div:
    raw = {k: v for k, v in query.items() if v not in (None, "")}
    params, problems = _query(raw)
    try:
        parsed = AuditQuery.model_validate(params)
    except ValidationError as exc:
        problems += _said_for_people(exc)
    if problems:
        return html.Div(
            [
                html.H1("Audit trail"),
                _form(raw),
                notice(
                    "The filter is not valid",
                    [html.Ul([html.Li(p) for p in problems])],
                    kind="error",
                ),
            ]
        )
    found = audit_page(services(), parsed, summary=True)
    total, rows, summary = found.total, found.rows, found.summary or {}
    return html.Div(
        [
            html.H1("Audit trail"),
            html.P(
                "One row per prediction from the predict page, the API and batch scoring. "
                "Rows are never changed or deleted."
            ),
            _form(raw),
            html.H2("Totals for this filter"),
            kpi_cards(
                [
                    ("predictions", f"{summary['count']:,}"),
                    ("mean confidence", f"{summary['mean_confidence']:.1%}" if total else "—"),
                    ("need review", f"{summary['needs_review']:,}"),
                    ("image-only fallback", f"{summary['fallback']:,}"),
                ],
                label="Totals for this filter",
            ),
            html.P(
                html.A(
                    "Download these rows as CSV",
                    className="btn btn-outline-primary",
                    href="/api/audit/predictions?"
                    + urlencode(
                        {
                            **{k: params[k] for k in FILTER_FIELDS if k in params},
                            "sort": parsed.sort,
                            "format": "csv",
                        }
                    ),
                    download="predictions.csv",
                )
            ),
            _table(rows, found.reviews, parsed, raw, total),
            pager(PATH, raw, parsed.page, parsed.page_size, total),
        ]
    )


def _select(name: str, options: list[tuple[str, str]], current: str | None) -> html.Select:
    return choice(f"audit-{name}", name, options, current)


def _input(name: str, kind: Any, current: str | None, **extra: Any) -> dcc.Input:
    return dcc.Input(
        id=f"audit-{name}",
        name=name,
        type=kind,
        value=current or "",
        className="form-control",
        **extra,
    )


def _form(raw: dict[str, str]) -> html.Form:
    yes_no = [("true", "Yes"), ("false", "No")]
    return get_form(
        action=PATH,
        title="Filter",
        title_id="audit-filters-title",
        fields=[
            field(
                "From (date)",
                _input("since", "date", raw.get("since")),
                "audit-since",
                in_grid=True,
            ),
            field(
                "Until (date, included)",
                _input("until", "date", raw.get("until")),
                "audit-until",
                in_grid=True,
            ),
            field(
                "Category",
                _select("category", [(c, c) for c in CATEGORIES], raw.get("category")),
                "audit-category",
                in_grid=True,
            ),
            field(
                "Model",
                _select("model", [(n, n) for n in SERVING], raw.get("model")),
                "audit-model",
                in_grid=True,
            ),
            field(
                "Source",
                _select(
                    "source",
                    [("ui", "Predict page"), ("api", "API"), ("batch", "Batch")],
                    raw.get("source"),
                ),
                "audit-source",
                in_grid=True,
            ),
            *(
                field(
                    LABELS[name],
                    _input(name, "number", raw.get(name), min=0, max=100, step=0.1),
                    f"audit-{name}",
                    in_grid=True,
                )
                for name in PERCENT_FIELDS
            ),
            field(
                "Image-only fallback",
                _select("fallback", yes_no, raw.get("fallback")),
                "audit-fallback",
                in_grid=True,
            ),
            field(
                "Needs review",
                _select("needs_review", yes_no, raw.get("needs_review")),
                "audit-needs_review",
                in_grid=True,
            ),
        ],
        submit="Apply filter",
        after=[" ", html.A("Clear", href=PATH, className="btn btn-link")],
    )


def _table(
    rows: list, reviews: dict, parsed: AuditQuery, raw: dict[str, str], total: int
) -> Component:
    if not rows:
        return notice(
            "No prediction matches",
            "Change or clear the filter; predictions come "
            "from the Predict page, the API and `vitrine predict`.",
        )
    headers = []
    for key, label in COLUMNS:
        if key is None:
            headers.append(html.Th(label, scope="col"))
            continue
        active = parsed.sort_column == key
        descending = parsed.descending if active else False
        next_sort = key if active and descending else f"-{key}"
        arrow = (" ▼" if descending else " ▲") if active else ""
        sort_state = ("descending" if descending else "ascending") if active else "none"
        headers.append(
            html.Th(
                scope="col",
                **aria(sort=sort_state),
                children=html.A(
                    [label, html.Span(arrow, **aria(hidden="true"))],
                    href=page_link(PATH, raw, sort=next_sort, page=1),
                    title=f"Sort by {label.lower()}",
                ),
            )
        )
    body = [
        html.Tr(
            [
                html.Td(
                    html.A(
                        [
                            html.Img(
                                src=f"/api/predictions/{r.id}/photo?size=48",
                                alt="",  # the link says what it is; the row says the rest
                                width=48,
                                height=48,
                                className="audit-thumb",
                            ),
                            f"#{r.id}",
                        ],
                        href=f"/explain?prediction={r.id}",
                        title=f"Explain prediction {r.id}",
                        className="audit-prediction",
                    )
                ),
                html.Td(r.created_at.strftime("%Y-%m-%d %H:%M:%S") if r.created_at else ""),
                html.Th(r.category, scope="row"),
                html.Td(f"{r.confidence:.1%}", className="num"),
                html.Td(f"{r.model_name} v{r.model_version}"),
                html.Td(r.source),
                html.Td("yes" if r.fallback else "no"),
                html.Td("⚠ yes" if r.needs_review else "no"),
                html.Td(
                    html.A(r.product_uniq_id[:12], href=f"/similar?product={r.product_uniq_id}")
                    if r.product_uniq_id
                    else "—"
                ),
                html.Td(f"{r.latency_ms:.1f}", className="num"),
                html.Td(html.Code(r.request_id[:16])),
                html.Td(review_said(reviews.get(r.id))),
                html.Td(report_cell_link(r.id)),
            ]
        )
        for r in rows
    ]
    first = (parsed.page - 1) * parsed.page_size + 1
    return table_region(
        f"Predictions {first:,}–{first + len(rows) - 1:,} of {total:,}, "
        f"sorted by {parsed.sort_column.replace('_', ' ')} "
        f"({'newest or highest' if parsed.descending else 'oldest or lowest'} first)",
        headers,
        body,
        label="Predictions",
        table_id="audit-table",
    )


def register_callbacks(app: Dash) -> None:
    """No callbacks: the filter form and the links load the page anew."""
