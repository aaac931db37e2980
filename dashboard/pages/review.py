"""Review queue: predictions a person should look at, and catalogue labels that look wrong,
decided with one click or keypress.

The filters are a plain GET form and the pages are links, like the audit trail. Each item's
buttons record a decision (POST /api/reviews does the same for machines); the next item then
takes the focus, so a keyboard user reviews with Tab and Enter alone.
"""

from __future__ import annotations

from typing import Any, Literal

from dash import ALL, MATCH, ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate
from pydantic import ValidationError

from dashboard.components.aria import aria
from dashboard.components.cards import kpi_cards, notice
from dashboard.components.forms import choice, field, get_form
from dashboard.components.pager import pager
from dashboard.components.review_decision import (
    KINDS,
    comment_type,
    decide_type,
    outcome_type,
    said,
)
from dashboard.components.review_items import label_item, prediction_item
from dashboard.figures.review import agreement_chart
from dashboard.services.label_issues import SuspectPage, suspect_labels
from dashboard.services.review_queue import REASON_LABELS, QueuePage, QueueQuery, review_queue
from dashboard.services.reviews import (
    REVIEW_ROLE,
    ReviewRejected,
    UnknownSubject,
    agreement_figures,
    choose_category,
)
from dashboard.web.auth import allowed, requester
from dashboard.web.context import services
from dashboard.web.i18n import N_, _, number, why
from ml.categories import CATEGORIES
from ml.models.registry import SERVING

PATH = "/review"
ROLE: str | None = REVIEW_ROLE
TITLE = N_("Review queue · Vitrine")
DESCRIPTION = N_("Doubtful predictions to confirm or correct, and how often reviewers agree.")
NAV_LABEL = N_("Review")
ORDER = 55

FOCUS_SINK = "review-focus"
SUSPECT = "suspect_label"
WHY = [*REASON_LABELS.items(), (SUSPECT, N_("Suspect catalogue label"))]
SUBJECTS: dict[str, Literal["prediction", "product"]] = {
    "review": "prediction",
    "label": "product",
}
SORTS = [
    ("margin", N_("Nearest ties first")),
    ("confidence", N_("Lowest confidence first")),
    ("-created_at", N_("Newest first")),
    ("created_at", N_("Oldest first")),
]
STATUSES = [
    ("unreviewed", N_("Not reviewed yet")),
    ("reviewed", N_("Reviewed")),
    ("any", N_("Either")),
]


def _query(raw: dict[str, str]) -> tuple[QueueQuery | None, list[str]]:
    params: dict[str, Any] = dict(raw)
    problems = []
    if "max_margin" in raw:
        try:
            value = float(raw["max_margin"])
        except ValueError:
            value = -1.0
        if not 0 <= value <= 100:
            problems.append(_("Near tie below (%): give a number from 0 to 100."))
        else:
            params["max_margin"] = value / 100
    if problems:
        return None, problems
    try:
        return QueueQuery.model_validate(params), []
    except ValidationError as exc:
        fields = sorted({str(e["loc"][0]) if e["loc"] else "" for e in exc.errors()})
        return None, [
            _(
                "%(capitalize)s: not a value this filter accepts.",
                capitalize=name.replace("_", " ").capitalize(),
            )
            for name in fields
        ]


def layout(**query: str) -> html.Div:
    raw = {k: v for k, v in query.items() if v not in (None, "")}
    parsed, problems = _query(raw)
    intro = html.P(
        _(
            "Predictions flagged for review, near ties (the top two categories close together) "
            "and image-only answers; and, under “Why: Suspect catalogue label”, catalogue "
            "products whose given label the model contradicts. Keep the category or correct it: "
            "each decision is recorded with your name and never changed; a later one supersedes it."
        )
    )
    if parsed is None:
        return html.Div(
            [
                html.H1(_("Review queue")),
                intro,
                _form(raw),
                notice(
                    _("The filter is not valid"),
                    [html.Ul([html.Li(p) for p in problems])],
                    kind="error",
                ),
            ]
        )
    suspects = suspect_labels(
        services(),
        status=parsed.status,
        category=parsed.category,
        page=parsed.page,
        page_size=parsed.page_size,
    )
    found = review_queue(services(), parsed)
    counts = found.counts
    labels_mode = parsed.reason == SUSPECT
    total = suspects.total if labels_mode else found.total
    return html.Div(
        [
            html.H1(_("Review queue")),
            intro,
            _form(raw),
            html.H2(_("In the queue for this filter")),
            kpi_cards(
                [
                    *((_(REASON_LABELS[r]).lower(), number(counts[r])) for r in REASON_LABELS),
                    (_("predictions in all (each counted once)"), number(counts["total"])),
                    (_("suspect catalogue labels"), number(suspects.total)),
                ],
                label=_("In the queue for this filter"),
            ),
            html.H2(_("Items"), id="review-items-title"),
            _labels(suspects, parsed) if labels_mode else _items(found, parsed),
            pager(PATH, raw, parsed.page, parsed.page_size, total),
            *(dcc.Store(id=f"{FOCUS_SINK}-{kind}") for kind in KINDS),
            html.H2(_("Agreement")),
            _agreement(),
        ]
    )


def _select(name: str, options: list[tuple[str, str]], current: str | None, blank: bool) -> Any:
    return choice(f"review-{name}", name, options, current, blank=_("Any") if blank else None)


def _form(raw: dict[str, str]) -> html.Form:
    def grid(label: str, name: str, control: Any) -> Any:
        return field(label, control, f"review-{name}", in_grid=True)

    margin = dcc.Input(
        id="review-max_margin",
        name="max_margin",
        type="number",
        min=0,
        max=100,
        step=1,
        value=raw.get("max_margin", ""),
        placeholder="20",
        className="form-control",
    )
    return get_form(
        action=PATH,
        title=_("Filter"),
        title_id="review-filters-title",
        fields=[
            grid(
                _("Why"),
                "reason",
                _select("reason", WHY, raw.get("reason"), True),
            ),
            grid(
                _("Category (predicted, or given label)"),
                "category",
                _select("category", [(c, c) for c in CATEGORIES], raw.get("category"), True),
            ),
            grid(
                _("Model"),
                "model",
                _select("model", [(n, n) for n in SERVING], raw.get("model"), True),
            ),
            grid(_("Status"), "status", _select("status", STATUSES, raw.get("status"), False)),
            grid(_("Near tie below (%)"), "max_margin", margin),
            grid(_("Order"), "sort", _select("sort", SORTS, raw.get("sort", "margin"), False)),
        ],
        submit=_("Apply filter"),
        after=[" ", html.A(_("Clear"), href=PATH, className="btn btn-link")],
    )


def _listed(items: list[Any], first: int, total: int) -> html.Div:
    return html.Div(
        [
            html.P(
                _(
                    "Items %(first)s–%(value)s of %(total)s.",
                    first=number(first),
                    value=number(first + len(items) - 1),
                    total=number(total),
                )
            ),
            html.Ol(
                items,
                className="review-list",
                start=str(first),
                **aria(labelledby="review-items-title"),
            ),
        ]
    )


def _items(found: QueuePage, query: QueueQuery) -> Any:
    if not found.items:
        return notice(
            _("Nothing to review"),
            _(
                "No prediction matches this filter. Change the filter, or choose “Reviewed” to "
                "see decisions already made."
            ),
        )
    first = (query.page - 1) * query.page_size + 1
    items = [prediction_item(item, query.max_margin) for item in found.items]
    return _listed(items, first, found.total)


def _labels(found: SuspectPage, query: QueueQuery) -> Any:
    if found.model is None:
        return notice(_("No suspect labels yet"), _("They are found when `vitrine train` runs."))
    if not found.items:
        return notice(
            _("No suspect label matches"),
            _(
                "%(model)s found no other suspect label for this filter. Choose "
                "“Reviewed” to see decisions already made.",
                model=found.model,
            ),
        )
    first = (query.page - 1) * query.page_size + 1
    return html.Div(
        [
            html.P(
                _(
                    "Found by %(model)s: each product scored by a model trained without it "
                    "(5 folds), and the labels its answers contradict ranked by cleanlab.",
                    model=found.model,
                )
            ),
            _listed([label_item(item) for item in found.items], first, found.total),
        ]
    )


def _agreement() -> Any:
    rows = agreement_figures(services())
    if not rows:
        return html.P(_("No prediction has been reviewed yet: agreement shows once one has."))
    return agreement_chart(rows)


def register_callbacks(app: Dash) -> None:
    for kind in KINDS:
        _decide_callback(app, kind)
        app.clientside_callback(
            ClientsideFunction(namespace="vitrine", function_name="nextReviewItem"),
            Output(f"{FOCUS_SINK}-{kind}", "data"),
            Input({"type": outcome_type(kind), "item": ALL}, "children"),
            prevent_initial_call=True,
        )


def _decide_callback(app: Dash, kind: str) -> None:
    subject = SUBJECTS[kind]

    @app.callback(
        Output({"type": outcome_type(kind), "item": MATCH}, "children"),
        Output({"type": decide_type(kind), "item": MATCH, "category": ALL}, "disabled"),
        Input({"type": decide_type(kind), "item": MATCH, "category": ALL}, "n_clicks"),
        State({"type": comment_type(kind), "item": MATCH}, "value"),
        prevent_initial_call=True,
    )
    def decide(clicks: list[int | None], comment: str | None) -> tuple[Any, list[bool]]:
        chosen = ctx.triggered_id
        if not isinstance(chosen, dict) or not any(clicks):
            raise PreventUpdate
        buttons = len(clicks)
        # The same role as POST /api/reviews: the callback guard only asks for a session.
        if not allowed(REVIEW_ROLE):
            return _(
                "Not recorded: deciding needs the %(review_role)s role.",
                review_role=REVIEW_ROLE,
            ), [False] * buttons
        try:
            review = choose_category(
                services(), subject, chosen["item"], str(chosen["category"]), comment, requester()
            )
        except ValidationError:
            refused = _("Not recorded: the comment is too long or holds control characters.")
            return refused, [False] * buttons
        except (UnknownSubject, ReviewRejected) as exc:
            return _(
                "Not recorded: %(exc)s",
                exc=why(exc),
            ), [False] * buttons
        return said(review.decision, review.category), [True] * buttons
