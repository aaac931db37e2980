"""The Explain page's what-if form: a prediction's name and description to edit (or empty), and
where the comparison (dashboard.figures.what_if) appears. The page's callbacks try it, writing
nothing, or record it as an audit row like any prediction; both are metered like a prediction
(`METERED`). The form's request is signed, so only a prediction the page showed can be tried.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html
from dash.exceptions import PreventUpdate
from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from dashboard.components.aria import aria
from dashboard.components.forms import field
from dashboard.components.ids import page_ids
from dashboard.services.explain import NotExplainable
from dashboard.services.prediction import AuditUnavailable, ModelsNotReady, TextRejected
from dashboard.services.what_if import Original
from dashboard.web.i18n import _, why
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
            html.H2(_("What if the text were different?"), id=ID("title")),
            html.P(
                _(
                    "Change the name or the description, or empty both to see what the image-only "
                    "fallback says, then compare with the recorded answer. Trying records nothing; "
                    "“Record this answer” adds it to the audit trail as a new prediction."
                )
            ),
            dcc.Store(id=REQUEST, data={"prediction": _signer().dumps(before.prediction_id)}),
            html.Div(
                className="form-grid",
                children=[
                    field(
                        _("Product name"),
                        dcc.Input(
                            id=NAME, type="text", value=before.name, className="form-control"
                        ),
                        NAME,
                        in_grid=True,
                    ),
                    field(
                        _("Description"),
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
                    html.Button(_("Try it"), id=RUN, type="button", className="btn btn-primary"),
                    html.Button(
                        _("Record this answer"),
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


def prediction_id(request: Any) -> int:
    """The prediction the page signed into the form. A request this page did not sign (forged,
    or from another secret) changes nothing: the callback stops with PreventUpdate."""
    signed = request.get("prediction", "") if isinstance(request, dict) else ""
    try:
        return int(_signer().loads(signed))
    except (BadData, ValueError, TypeError):
        raise PreventUpdate from None


def refused(exc: Exception) -> str:
    """Why a what-if was not answered (or not recorded), in words for the status line."""
    if isinstance(exc, TextRejected):
        return _(
            "The text was refused: %(exc)s.",
            exc=why(exc),
        )
    if isinstance(exc, NotExplainable):
        return _(
            "This prediction cannot be tried again: %(args)s.",
            args=why(exc),
        )
    if isinstance(exc, ImageRejected):
        return _(
            "The photo was refused: %(exc)s",
            exc=why(exc),
        )
    return _(
        "Vitrine cannot predict right now: %(exc)s.",
        exc=why(exc),
    )
