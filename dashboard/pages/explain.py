"""Explain a prediction: where in the photo and which words moved it, and the spatial audit."""

from __future__ import annotations

import logging
from typing import Any

from dash import Dash, Input, Output, State, dcc, html

from dashboard.components import pixel_map
from dashboard.components import what_if as what_if_form
from dashboard.components.cards import kpi_cards, notice
from dashboard.components.forms import field, get_form
from dashboard.components.heatmap import shap_heatmap
from dashboard.components.pixel_map import explanation_lead, pixel_section
from dashboard.components.report_links import report_links
from dashboard.components.what_if import what_if_section
from dashboard.figures.explain import spatial_chart, word_chart
from dashboard.figures.what_if import comparison, with_text
from dashboard.services.explain import (
    ExplanationLookup,
    NotExplainable,
    PredictionExplanation,
    explain_prediction,
    find_explanation,
)
from dashboard.services.prediction import ModelsNotReady
from dashboard.services.spatial_audit import stored_audit
from dashboard.services.what_if import original, record_what_if, what_if
from dashboard.web.auth import requester, visible_owner
from dashboard.web.context import services
from dashboard.web.i18n import N_, _, category_label, decimal, percent, why
from dashboard.web.requestlog import current_request_id
from ml.categories import CATEGORIES

log = logging.getLogger(__name__)

PATH = "/explain"
ROLE: str | None = "viewer"
TITLE = N_("Explain a prediction · Vitrine")
DESCRIPTION = N_("SHAP explanations of a prediction's photo and text, and the spatial-bias audit.")
NAV_LABEL = N_("Explain")
ORDER = 30
NO_TEXT = N_(
    "No text was given: the image-only model answered, so there are no word contributions."
)
# Starting a pixel-level map shares the API's per-caller explanation budget.
METERED = {pixel_map.JOB: ("explain", pixel_map.STATUS), **what_if_form.METERED}


def layout(
    prediction: str | None = None,
    target: str | None = None,
    shadow: str | None = None,
    **_query: str,
) -> html.Div:
    in_shadow = shadow == "1"
    children: list[Any] = [html.H1(_("Explain a prediction")), _form(prediction, target, in_shadow)]
    if prediction and in_shadow:
        children += _shadow_explanation(prediction, target)
    elif prediction:
        children += _explanation(prediction, target)
    else:
        children.append(
            html.P(
                _(
                    "Give a prediction number (shown with every result on the "
                    "Predict page and in the audit trail)."
                )
            )
        )
    children += _audit_section()
    return html.Div(children)


def _form(prediction: str | None, target: str | None, in_shadow: bool = False) -> html.Form:
    # Explaining another category of the shadow's answer keeps to the shadow's answer.
    keep = (
        [dcc.Input(id="explain-shadow", type="hidden", name="shadow", value="1")]
        if in_shadow
        else []
    )
    return get_form(
        action=PATH,
        title=_("Prediction"),
        title_id="explain-form-title",
        fields=[
            field(
                _("Prediction number"),
                dcc.Input(
                    id="explain-prediction",
                    name="prediction",
                    type="number",
                    min=1,
                    value=prediction or "",
                    className="form-control",
                ),
                "explain-prediction",
                in_grid=True,
            ),
            field(
                _("Explain the category"),
                html.Select(
                    id="explain-target",
                    name="target",
                    className="form-select",
                    children=[
                        html.Option(_("The predicted one"), value="", selected=not target),
                        *(html.Option(c, value=c, selected=c == target) for c in CATEGORIES),
                    ],
                ),
                "explain-target",
                in_grid=True,
            ),
        ],
        submit=_("Explain"),
        after=keep,
    )


def _text(result: PredictionExplanation) -> list[Any]:
    text = result.text
    if text is None:
        return [html.P(_(NO_TEXT))]
    highlighted = [
        html.Span(
            f"{'▲' if c.value > 0 else '▼'} {c.token} ({_('for') if c.value > 0 else _('against')}"
            f" {c.value:+.2f})",
            className=f"token token--{'for' if c.value > 0 else 'against'}",
        )
        for c in text.contributions
    ]
    return [
        word_chart(result),
        html.P([_("Highlighted: "), *highlighted], className="tokens"),
        html.P(
            _(
                "All other words together: %(other_words)s; base value %(base_value)s; "
                "text score %(output_value)s.",
                other_words=decimal(text.other_words, 3, signed=True),
                base_value=decimal(text.base_value, 3, signed=True),
                output_value=decimal(text.output_value, 3, signed=True),
            ),
            className="result__meta",
        ),
    ]


def _explanation(prediction: str, target: str | None) -> list[Any]:
    if not str(prediction).isdigit():
        return [notice(_("Not a prediction number"), _("Give a whole number."), kind="error")]
    current = services()
    evals = current.settings.explain_max_evals
    try:
        found = find_explanation(
            current,
            int(prediction),
            target=target or None,
            max_evals=evals,
            only_by=visible_owner(),
        )
        before = original(current, int(prediction), visible_owner())
        if found.pixels and found.cached is None:
            return [*_pixels_only(int(prediction), target or "", found), what_if_section(before)]
        result = found.cached or explain_prediction(
            current,
            int(prediction),
            target=target or None,
            max_evals=evals,
            only_by=visible_owner(),
        )
    except NotExplainable as exc:
        return [notice(_("This prediction cannot be explained"), why(exc), kind="error")]
    except ModelsNotReady as exc:
        return [notice(_("No model to explain with"), why(exc), kind="error")]
    # A model explained on pixels from the start (from the cache) needs no second pixel map.
    pixel_job = []
    if result.image.mode != "pixels":
        pixel_job = [pixel_section(result.prediction_id, result.target)]
    return [
        html.H2(
            _(
                "Prediction #%(prediction_id)s: %(model)s v%(version)s",
                prediction_id=result.prediction_id,
                model=result.model,
                version=result.version,
            )
        ),
        explanation_lead(result),
        report_links(result.prediction_id),
        shap_heatmap(result),
        *pixel_job,
        html.H2(_("Text")),
        *_text(result),
        what_if_section(before),
    ]


def _shadow_explanation(prediction: str, target: str | None) -> list[Any]:
    """The answer of the version in shadow to a live prediction (Models page, "Shadow
    versions"), on the fast map only: pixel maps run for live answers."""
    if not str(prediction).isdigit():
        return [notice(_("Not a prediction number"), _("Give a whole number."), kind="error")]
    current = services()
    number = int(prediction)
    try:
        found = find_explanation(
            current, number, target=target or None, only_by=visible_owner(), shadow=True
        )
        if found.pixels and found.cached is None:
            return [
                notice(
                    _("No fast map for this shadow version"),
                    _(
                        "%(model)s v%(version)s reads several stages of the photo's features, "
                        "so only a pixel-level map could explain it, and those are computed "
                        "for live answers only.",
                        model=found.model,
                        version=found.version,
                    ),
                    kind="warning",
                )
            ]
        result = found.cached or explain_prediction(
            current, number, target=target or None, only_by=visible_owner(), shadow=True
        )
    except NotExplainable as exc:
        return [notice(_("This shadow answer cannot be explained"), why(exc), kind="error")]
    except ModelsNotReady as exc:
        return [notice(_("No model to explain with"), why(exc), kind="error")]
    return [
        html.H2(
            _(
                "Prediction #%(number)s: the answer of %(model)s v%(version)s, in shadow",
                number=number,
                model=result.model,
                version=result.version,
            )
        ),
        html.P(
            [
                _(
                    "Nobody was shown this answer: the version in shadow scored the prediction "
                    "beside the active one. "
                ),
                html.A(_("Explain the active answer"), href=f"/explain?prediction={number}"),
                ".",
            ]
        ),
        explanation_lead(result),
        shap_heatmap(result),
        html.H2(_("Text")),
        *_text(result),
    ]


def _pixels_only(prediction_id: int, target: str, found: ExplanationLookup) -> list[Any]:
    """A model with no fast map (a probe over several backbone stages) is explained on pixels
    only: in the background, like every pixel map, never on the request thread."""
    return [
        html.H2(
            _(
                "Prediction #%(prediction_id)s: %(model)s v%(version)s",
                prediction_id=prediction_id,
                model=found.model,
                version=found.version,
            )
        ),
        html.P(
            _(
                "This model reads several stages of the photo's features, so it has no fast cell "
                "map: its map is computed on pixels, in the background."
            )
        ),
        report_links(prediction_id),
        pixel_section(prediction_id, target, lead=True),
        html.H2(_("Text")),
        html.P(_(NO_TEXT)),
    ]


def _audit_section() -> list[Any]:
    result = stored_audit(services())
    head: list[Any] = [html.H2(_("Spatial-bias audit"))]
    if result is None:
        return [
            *head,
            html.P(
                [
                    _("No audit yet: "),
                    html.Code("vitrine explain audit"),
                    _(" runs it over the test split."),
                ]
            ),
        ]
    return [
        *head,
        kpi_cards(
            [
                (_("verdict"), _("⚠ biased") if result["biased"] else _("✓ no bias")),
                (_("model"), f"{result['model']} v{result['version']}"),
                (_("test products"), str(result["products"])),
            ],
            label=_("Spatial audit"),
        ),
        spatial_chart(result),  # its summary is the verdict, said once
    ]


def register_callbacks(app: Dash) -> None:
    pixel_map.register_callbacks(app)
    _what_if_callbacks(app)


def _what_if_callbacks(app: Dash) -> None:
    """Try a what-if (records nothing), or record it as a prediction of its own."""

    @app.callback(
        Output(what_if_form.RESULT, "children"),
        Output(what_if_form.STATUS, "children"),
        Input(what_if_form.RUN, "n_clicks"),
        State(what_if_form.REQUEST, "data"),
        State(what_if_form.NAME, "value"),
        State(what_if_form.DESCRIPTION, "value"),
        prevent_initial_call=True,
    )
    def run(_clicks: int | None, request: Any, name: str | None, description: str | None):
        prediction_id = what_if_form.prediction_id(request)
        try:
            found = what_if(services(), prediction_id, name or "", description or "",
                            visible_owner())  # fmt: skip
        except what_if_form.FAILURES as exc:
            return notice(_("No what-if answer"), what_if_form.refused(exc), kind="error"), _(
                "Refused."
            )
        after = found.answer
        said = _(
            "%(with_text)s: %(category)s, %(confidence)s. Nothing was recorded.",
            with_text=with_text(found),
            category=category_label(after.category),
            confidence=percent(after.confidence, 0),
        )
        return comparison(found), said

    @app.callback(
        Output(what_if_form.RECORDED, "children"),
        Output(what_if_form.STATUS, "children", allow_duplicate=True),
        Input(what_if_form.RECORD, "n_clicks"),
        State(what_if_form.REQUEST, "data"),
        State(what_if_form.NAME, "value"),
        State(what_if_form.DESCRIPTION, "value"),
        prevent_initial_call=True,
    )
    def record(_clicks: int | None, request: Any, name: str | None, description: str | None):
        prediction_id = what_if_form.prediction_id(request)
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
        except what_if_form.FAILURES as exc:
            return notice(_("Not recorded"), what_if_form.refused(exc), kind="error"), _("Refused.")
        new_id = recorded.prediction_id
        p = recorded.prediction
        return (
            html.P(
                [
                    _(
                        "Recorded as prediction #%(new_id)s: %(category)s, %(confidence)s. ",
                        new_id=new_id,
                        category=category_label(p.category),
                        confidence=percent(p.confidence, 0),
                    ),
                    html.A(
                        _(
                            "Explain prediction #%(new_id)s",
                            new_id=new_id,
                        ),
                        href=f"/explain?prediction={new_id}",
                    ),
                ]
            ),
            _(
                "Recorded as prediction #%(new_id)s.",
                new_id=new_id,
            ),
        )
