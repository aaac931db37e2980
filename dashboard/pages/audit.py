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
from dashboard.web.i18n import N_, _, category_label, decimal, number, percent
from ml.categories import CATEGORIES
from ml.models.registry import SERVING

PATH = "/audit"
ROLE: str | None = "auditor"
TITLE = N_("Audit trail · Vitrine")
DESCRIPTION = N_("Every prediction Vitrine made, filtered and exported as CSV.")
NAV_LABEL = N_("Audit trail")
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
    "since": N_("From (date)"),
    "until": N_("Until (date, included)"),
    "category": N_("Category"),
    "model": N_("Model"),
    "source": N_("Source"),
    "min_percent": N_("Confidence at least (%)"),
    "max_percent": N_("Confidence at most (%)"),
    "min_confidence": N_("Confidence at least (%)"),
    "max_confidence": N_("Confidence at most (%)"),
    "fallback": N_("Image-only fallback"),
    "needs_review": N_("Needs review"),
    "sort": N_("Sort"),
    "page": N_("Page"),
    "page_size": N_("Rows per page"),
}
COLUMNS = [
    (None, N_("Prediction")),
    ("created_at", N_("Time (UTC)")),
    ("category", N_("Category")),
    ("confidence", N_("Confidence")),
    ("model", N_("Model")),
    ("source", N_("Source")),
    (None, N_("Fallback")),
    (None, N_("Needs review")),
    (None, N_("Product")),
    ("latency_ms", N_("Latency (ms)")),
    (None, N_("Request id")),
    (None, N_("Review")),
    (None, N_("Report")),
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
            problems.append(
                _(
                    "%(labels)s: give a number from 0 to 100.",
                    labels=_(LABELS[name]),
                )
            )
        else:
            params[target] = value / 100
    return params, problems


def _said_for_people(exc: ValidationError) -> list[str]:
    """pydantic's messages name fields and types; these name the form's labels."""
    said = []
    for error in exc.errors():
        field_name = str(error["loc"][0]) if error["loc"] else ""
        label = _(LABELS.get(field_name, field_name.replace("_", " ").capitalize()))
        kind = error["type"]
        if kind in ("date_from_datetime_parsing", "datetime_from_date_parsing", "date_parsing"):
            said.append(
                _(
                    "%(label)s: give a date as YYYY-MM-DD.",
                    label=label,
                )
            )
        elif kind == "extra_forbidden":
            said.append(
                _(
                    "This page has no filter called “%(field_name)s”: it was ignored.",
                    field_name=field_name[:40],
                )
            )
        elif kind == "value_error" and "min_confidence is above" in error["msg"]:
            said.append(_("Confidence at least is above Confidence at most."))
        elif kind == "value_error" and "sort by" in error["msg"]:
            said.append(_("Sort: use the column headings to sort."))
        elif kind in ("int_parsing", "greater_than_equal", "less_than_equal"):
            said.append(
                _(
                    "%(label)s: give a whole number in range.",
                    label=label,
                )
            )
        else:
            said.append(
                _(
                    "%(label)s: this value is not one the filter accepts.",
                    label=label,
                )
            )
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
                html.H1(_("Audit trail")),
                _form(raw),
                notice(
                    _("The filter is not valid"),
                    [html.Ul([html.Li(p) for p in problems])],
                    kind="error",
                ),
            ]
        )
    found = audit_page(services(), parsed, summary=True)
    total, rows, summary = found.total, found.rows, found.summary or {}
    return html.Div(
        [
            html.H1(_("Audit trail")),
            html.P(
                _(
                    "One row per prediction from the predict page, the API and batch scoring. "
                    "Rows are never changed or deleted."
                )
            ),
            _form(raw),
            html.H2(_("Totals for this filter")),
            kpi_cards(
                [
                    (_("predictions"), number(summary["count"])),
                    (_("mean confidence"), percent(summary["mean_confidence"]) if total else "—"),
                    (_("need review"), number(summary["needs_review"])),
                    (_("image-only fallback"), number(summary["fallback"])),
                ],
                label=_("Totals for this filter"),
            ),
            html.P(
                html.A(
                    _("Download these rows as CSV"),
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
    yes_no = [("true", _("Yes")), ("false", _("No"))]
    return get_form(
        action=PATH,
        title=_("Filter"),
        title_id="audit-filters-title",
        fields=[
            field(
                _("From (date)"),
                _input("since", "date", raw.get("since")),
                "audit-since",
                in_grid=True,
            ),
            field(
                _("Until (date, included)"),
                _input("until", "date", raw.get("until")),
                "audit-until",
                in_grid=True,
            ),
            field(
                _("Category"),
                _select("category", [(c, c) for c in CATEGORIES], raw.get("category")),
                "audit-category",
                in_grid=True,
            ),
            field(
                _("Model"),
                _select("model", [(n, n) for n in SERVING], raw.get("model")),
                "audit-model",
                in_grid=True,
            ),
            field(
                _("Source"),
                _select(
                    "source",
                    [("ui", _("Predict page")), ("api", "API"), ("batch", _("Batch"))],
                    raw.get("source"),
                ),
                "audit-source",
                in_grid=True,
            ),
            *(
                field(
                    _(LABELS[name]),
                    _input(name, "number", raw.get(name), min=0, max=100, step=0.1),
                    f"audit-{name}",
                    in_grid=True,
                )
                for name in PERCENT_FIELDS
            ),
            field(
                _("Image-only fallback"),
                _select("fallback", yes_no, raw.get("fallback")),
                "audit-fallback",
                in_grid=True,
            ),
            field(
                _("Needs review"),
                _select("needs_review", yes_no, raw.get("needs_review")),
                "audit-needs_review",
                in_grid=True,
            ),
        ],
        submit=_("Apply filter"),
        after=[" ", html.A(_("Clear"), href=PATH, className="btn btn-link")],
    )


def _table(
    rows: list, reviews: dict, parsed: AuditQuery, raw: dict[str, str], total: int
) -> Component:
    if not rows:
        return notice(
            _("No prediction matches"),
            _(
                "Change or clear the filter; predictions come "
                "from the Predict page, the API and `vitrine predict`."
            ),
        )
    headers = []
    for key, column_label in COLUMNS:
        label = _(column_label)
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
                    title=_(
                        "Sort by %(lower)s",
                        lower=label.lower(),
                    ),
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
                        title=_(
                            "Explain prediction %(id)s",
                            id=r.id,
                        ),
                        className="audit-prediction",
                    )
                ),
                html.Td(r.created_at.strftime("%Y-%m-%d %H:%M:%S") if r.created_at else ""),
                html.Th(category_label(r.category), scope="row"),
                html.Td(percent(r.confidence, 1), className="num"),
                html.Td(f"{r.model_name} v{r.model_version}"),
                html.Td(r.source),
                html.Td(_("yes") if r.fallback else _("no")),
                html.Td(_("⚠ yes") if r.needs_review else _("no")),
                html.Td(
                    html.A(r.product_uniq_id[:12], href=f"/similar?product={r.product_uniq_id}")
                    if r.product_uniq_id
                    else "—"
                ),
                html.Td(decimal(r.latency_ms, 1), className="num"),
                html.Td(html.Code(r.request_id[:16])),
                html.Td(review_said(reviews.get(r.id))),
                html.Td(report_cell_link(r.id)),
            ]
        )
        for r in rows
    ]
    first = (parsed.page - 1) * parsed.page_size + 1
    return table_region(
        _(
            "Predictions %(first)s–%(value)s of %(total)s, sorted by %(replace)s "
            "(%(value2)s first)",
            first=number(first),
            value=number(first + len(rows) - 1),
            total=number(total),
            replace=parsed.sort_column.replace("_", " "),
            value2="newest or highest" if parsed.descending else "oldest or lowest",
        ),
        headers,
        body,
        label=_("Predictions"),
        table_id="audit-table",
    )


def register_callbacks(app: Dash) -> None:
    """No callbacks: the filter form and the links load the page anew."""
