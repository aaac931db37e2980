"""The Explain page's what-if: edit a prediction's name and description (or empty them) and see
the answer and its words beside the recorded ones. Trying writes nothing; "Record" writes an
audit row like any prediction. Both are metered like a prediction (`METERED`).
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate
from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from dashboard.components.aria import aria
from dashboard.components.cards import notice
from dashboard.components.charts import chart, paired_bars
from dashboard.components.forms import field
from dashboard.components.ids import page_ids
from dashboard.figures.explain import word_chart
from dashboard.services.explain import NotExplainable
from dashboard.services.prediction import AuditUnavailable, ModelsNotReady, TextRejected
from dashboard.services.what_if import Answer, Original, WhatIf, record_what_if, what_if
from dashboard.web.auth import requester, visible_owner
from dashboard.web.context import services
from dashboard.web.requestlog import current_request_id
from ml.images import ImageRejected

ID = page_ids("what-if")
REQUEST, NAME, DESCRIPTION = ID("request"), ID("name"), ID("description")
RUN, RECORD, STATUS, RESULT, RECORDED = (
    ID("run"),
    ID("record"),
    ID("status"),
    ID("result"),
    ID("recorded"),
)
METERED = {RESULT: ("predict", STATUS), RECORDED: ("predict", STATUS)}
FAILURES = (
    NotExplainable,
    TextRejected,
    ImageRejected,
    ModelsNotReady,
    AuditUnavailable,
)


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.secret_key), salt="what-if")


def what_if_section(before: Original) -> html.Section:
    """The form, filled with the recorded text, and where the comparison appears."""
    return html.Section(
        className="what-if",
        **aria(labelledby=ID("title")),
        children=[
            html.H2("What if the text were different?", id=ID("title")),
            html.P(
                "Change the name or the description, or empty both to see what the image-only "
                "fallback says, then compare with the recorded answer. Trying records nothing; "
                "“Record this answer” adds it to the audit trail as a new prediction."
            ),
            dcc.Store(id=REQUEST, data={"prediction": _signer().dumps(before.prediction_id)}),
            html.Div(
                className="form-grid",
                children=[
                    field(
                        "Product name",
                        dcc.Input(
                            id=NAME, type="text", value=before.name, className="form-control"
                        ),
                        NAME,
                        in_grid=True,
                    ),
                    field(
                        "Description",
                        dcc.Textarea(
                            id=DESCRIPTION,
                            value=before.description,
                            className="form-control",
                            rows=4,
                        ),
                        DESCRIPTION,
                        in_grid=True,
                    ),
                ],
            ),
            html.Div(
                className="pixel-job__buttons",
                children=[
                    html.Button("Try it", id=RUN, type="button", className="btn btn-primary"),
                    html.Button(
                        "Record this answer",
                        id=RECORD,
                        type="button",
                        className="btn btn-outline-primary",
                    ),
                ],
            ),
            html.P(id=STATUS, role="status", className="result__meta"),
            html.Div(id=RESULT),
            html.Div(id=RECORDED),
        ],
    )


def _answer_card(title: str, answer: Answer) -> html.Section:
    fallback = " (image-only fallback)" if answer.fallback else ""
    return html.Section(
        className="what-if__answer",
        **aria(label=title),
        children=[
            html.H3(title),
            html.P([html.Strong(answer.category), f", {answer.confidence:.1%}{fallback}"]),
            html.P(answer.review),
            html.P(f"Model: {answer.model}", className="result__meta"),
        ],
    )


def comparison(found: WhatIf) -> list[Any]:
    """Both answers side by side, every category's probability before and after, and the
    words behind the new answer."""
    before, after = found.original.answer, found.answer
    classes = sorted(before.probabilities, key=lambda c: -after.probabilities.get(c, 0.0))
    fig = paired_bars(
        classes,
        ("Recorded", [before.probabilities.get(c, 0.0) for c in classes]),
        ("What if", [after.probabilities.get(c, 0.0) for c in classes]),
        "Probability",
    )
    changed = "the same category" if before.category == after.category else after.category
    summary = (
        f"Recorded: {before.category} {before.confidence:.1%}. {_with(found)}: {changed}, "
        f"{after.confidence:.1%}."
    )
    rows = [
        (
            c,
            f"{before.probabilities.get(c, 0.0):.1%}",
            f"{after.probabilities.get(c, 0.0):.1%}",
            f"{after.probabilities.get(c, 0.0) - before.probabilities.get(c, 0.0):+.1%}",
        )
        for c in classes
    ]
    shown: list[Any] = [
        html.Div(
            className="what-if__answers",
            children=[
                _answer_card("Recorded answer", before),
                _answer_card("What-if answer", after),
            ],
        ),
        chart(
            ID("probabilities"),
            "Probability of each category, recorded and what-if",
            summary,
            fig,
            ["Category", "Recorded", "What if", "Change"],
            rows,
            numeric=[False, True, True, True],
        ),
    ]
    if found.explanation is not None and found.explanation.text is not None:
        shown.append(word_chart(found.explanation))
    else:
        shown.append(
            html.P(
                "With no text, the image-only fallback answers: there are no words to weigh. "
                "Record this answer to explain its photo on the Explain page."
            )
        )
    return shown


def _with(found: WhatIf) -> str:
    return "With this text" if found.text else "With no text"


def _prediction_id(request: Any) -> int:
    signed = request.get("prediction", "") if isinstance(request, dict) else ""
    return int(_signer().loads(signed))


def _refused(exc: Exception) -> str:
    if isinstance(exc, TextRejected):
        return f"The text was refused: {exc}."
    if isinstance(exc, NotExplainable):
        return f"This prediction cannot be tried again: {exc.args[0]}."
    if isinstance(exc, ImageRejected):
        return f"The photo was refused: {exc}"
    return f"Vitrine cannot predict right now: {exc}."


def register_callbacks(app: Dash) -> None:
    @app.callback(
        Output(RESULT, "children"),
        Output(STATUS, "children"),
        Input(RUN, "n_clicks"),
        State(REQUEST, "data"),
        State(NAME, "value"),
        State(DESCRIPTION, "value"),
        prevent_initial_call=True,
    )
    def run(_clicks: int | None, request: Any, name: str | None, description: str | None):
        try:
            prediction_id = _prediction_id(request)
        except (BadData, ValueError, TypeError):
            raise PreventUpdate from None
        try:
            found = what_if(services(), prediction_id, name or "", description or "",
                            visible_owner())  # fmt: skip
        except FAILURES as exc:
            return notice("No what-if answer", _refused(exc), kind="error"), "Refused."
        after = found.answer
        said = f"{_with(found)}: {after.category}, {after.confidence:.0%}. Nothing was recorded."
        return comparison(found), said

    @app.callback(
        Output(RECORDED, "children"),
        Output(STATUS, "children", allow_duplicate=True),
        Input(RECORD, "n_clicks"),
        State(REQUEST, "data"),
        State(NAME, "value"),
        State(DESCRIPTION, "value"),
        prevent_initial_call=True,
    )
    def record(_clicks: int | None, request: Any, name: str | None, description: str | None):
        try:
            prediction_id = _prediction_id(request)
        except (BadData, ValueError, TypeError):
            raise PreventUpdate from None
        try:
            recorded = record_what_if(
                services(),
                prediction_id,
                name or "",
                description or "",
                only_by=visible_owner(),
                request_id=current_request_id(),
                by=requester(),
            )
        except FAILURES as exc:
            return notice("Not recorded", _refused(exc), kind="error"), "Refused."
        new_id = recorded.prediction_id
        p = recorded.prediction
        return (
            html.P(
                [
                    f"Recorded as prediction #{new_id}: {p.category}, {p.confidence:.0%}. ",
                    html.A(f"Explain prediction #{new_id}", href=f"/explain?prediction={new_id}"),
                ]
            ),
            f"Recorded as prediction #{new_id}.",
        )
