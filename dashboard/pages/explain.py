"""Explain a prediction: where in the photo and which words moved it, and the spatial audit."""

from __future__ import annotations

import logging
from typing import Any

from dash import Dash, Input, Output, dcc, html
from dash.exceptions import PreventUpdate
from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from dashboard.components.aria import aria
from dashboard.components.cards import kpi_cards, notice
from dashboard.components.forms import field, get_form
from dashboard.components.heatmap import map_agreement, shap_heatmap
from dashboard.figures.explain import spatial_chart, word_chart
from dashboard.services.explain import (
    ExplanationLookup,
    NotExplainable,
    PredictionExplanation,
    explain_prediction,
    find_explanation,
)
from dashboard.services.prediction import ModelsNotReady
from dashboard.services.spatial_audit import stored_audit
from dashboard.web.auth import visible_owner
from dashboard.web.context import services
from ml.categories import CATEGORIES

log = logging.getLogger(__name__)

PATH = "/explain"
ROLE: str | None = "viewer"
TITLE = "Explain a prediction · Vitrine"
DESCRIPTION = "SHAP explanations of a prediction's photo and text, and the spatial-bias audit."
NAV_LABEL = "Explain"
ORDER = 30
RULED_OUT = 0.01  # below this, an explanation says why not, not why
NO_TEXT = "No text was given: the image-only model answered, so there are no word contributions."
# Starting a pixel-level map shares the API's per-caller explanation budget.
METERED = {"explain-pixels-result": ("explain", "explain-pixels-status")}


def layout(prediction: str | None = None, target: str | None = None, **_query: str) -> html.Div:
    children: list[Any] = [html.H1("Explain a prediction"), _form(prediction, target)]
    if prediction:
        children += _explanation(prediction, target)
    else:
        children.append(
            html.P(
                "Give a prediction number (shown with every result on the "
                "Predict page and in the audit trail)."
            )
        )
    children += _audit_section()
    return html.Div(children)


def _form(prediction: str | None, target: str | None) -> html.Form:
    return get_form(
        action=PATH,
        title="Prediction",
        title_id="explain-form-title",
        fields=[
            field(
                "Prediction number",
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
                "Explain the category",
                html.Select(
                    id="explain-target",
                    name="target",
                    className="form-select",
                    children=[
                        html.Option("The predicted one", value="", selected=not target),
                        *(html.Option(c, value=c, selected=c == target) for c in CATEGORIES),
                    ],
                ),
                "explain-target",
                in_grid=True,
            ),
        ],
        submit="Explain",
    )


def _text(result: PredictionExplanation) -> list[Any]:
    text = result.text
    if text is None:
        return [html.P(NO_TEXT)]
    highlighted = [
        html.Span(
            f"{'▲' if c.value > 0 else '▼'} {c.token} ({'for' if c.value > 0 else 'against'}"
            f" {c.value:+.2f})",
            className=f"token token--{'for' if c.value > 0 else 'against'}",
        )
        for c in text.contributions
    ]
    return [
        word_chart(result),
        html.P(["Highlighted: ", *highlighted], className="tokens"),
        html.P(
            f"All other words together: {text.other_words:+.3f}; base value "
            f"{text.base_value:+.3f}; text score {text.output_value:+.3f}.",
            className="result__meta",
        ),
    ]


def _explanation(prediction: str, target: str | None) -> list[Any]:
    if not str(prediction).isdigit():
        return [notice("Not a prediction number", "Give a whole number.", kind="error")]
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
        if found.pixels and found.cached is None:
            return _pixels_only(int(prediction), target or "", found)
        result = found.cached or explain_prediction(
            current,
            int(prediction),
            target=target or None,
            max_evals=evals,
            only_by=visible_owner(),
        )
    except NotExplainable as exc:
        return [notice("This prediction cannot be explained", str(exc.args[0]), kind="error")]
    except ModelsNotReady as exc:
        return [notice("No model to explain with", str(exc), kind="error")]
    # A model explained on pixels from the start (from the cache) needs no second pixel map.
    pixel_job = []
    if result.image.mode != "pixels":
        pixel_job = [_pixel_section(result.prediction_id, result.target)]
    return [
        html.H2(f"Prediction #{result.prediction_id}: {result.model} v{result.version}"),
        _lead(result),
        shap_heatmap(result),
        *pixel_job,
        html.H2("Text"),
        *_text(result),
    ]


def _pixels_only(prediction_id: int, target: str, found: ExplanationLookup) -> list[Any]:
    """A model with no fast map (a probe over several backbone stages) is explained on pixels
    only: in the background, like every pixel map, never on the request thread."""
    return [
        html.H2(f"Prediction #{prediction_id}: {found.model} v{found.version}"),
        html.P(
            "This model reads several stages of the photo's features, so it has no fast cell "
            "map: its map is computed on pixels, in the background."
        ),
        _pixel_section(prediction_id, target, lead=True),
        html.H2("Text"),
        html.P(NO_TEXT),
    ]


def _job_signer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.secret_key), salt="explain-pixels")


def _signed_job(prediction_id: int, target: str, lead: bool) -> dict[str, str]:
    job = {"id": prediction_id, "target": target, "lead": lead}
    return {"job": _job_signer().dumps(job)}


def _lead(result: PredictionExplanation) -> html.Div:
    p = result.probabilities[result.target]
    said: list[Any] = [html.P(f"Explaining {result.target}, probability {p:.1%}.")]
    if p < RULED_OUT:
        said.append(
            notice(
                "A category the model ruled out",
                f"{result.target} has a probability of {p:.1%}: the maps show what pushed "
                "the model away from it, not where it sees one.",
                kind="warning",
            )
        )
    return html.Div(said)


def _pixel_section(prediction_id: int, target: str, *, lead: bool = False) -> html.Section:
    """The pixel-level map, computed by a background callback after the fast one is shown
    (`lead`: there is no fast one, so the job's result says what is explained)."""
    return html.Section(
        className="pixel-job",
        **aria(labelledby="explain-pixels-title"),
        children=[
            html.H3("Pixel-level map", id="explain-pixels-title", className="chart__title"),
            # Signed, so the background job computes only what this page was allowed to show.
            dcc.Store(id="explain-pixels-request", data=_signed_job(prediction_id, target, lead)),
            html.Div(
                className="pixel-job__controls",
                children=[
                    html.Label(
                        "Progress of the pixel-level explanation",
                        htmlFor="explain-pixels-progress",
                        className="field__label",
                    ),
                    html.Progress(id="explain-pixels-progress", max="1", value="0"),
                    html.Span(id="explain-pixels-progress-text", className="result__meta"),
                    html.Div(
                        className="pixel-job__buttons",
                        children=[
                            html.Button(
                                "Cancel",
                                id="explain-pixels-cancel",
                                type="button",
                                className="btn btn-outline-secondary",
                                disabled=True,
                            ),
                            html.Button(
                                "Compute again",
                                id="explain-pixels-start",
                                type="button",
                                className="btn btn-outline-primary",
                                disabled=True,
                            ),
                        ],
                    ),
                ],
            ),
            # Short status lines are announced; the chart itself is not read out on arrival.
            html.P(
                "Computing the pixel-level map in the background…",
                id="explain-pixels-status",
                role="status",
                className="result__meta",
            ),
            html.Div(id="explain-pixels-result"),
        ],
    )


def _audit_section() -> list[Any]:
    result = stored_audit(services())
    head: list[Any] = [html.H2("Spatial-bias audit")]
    if result is None:
        return [
            *head,
            html.P(
                [
                    "No audit yet: ",
                    html.Code("vitrine explain audit"),
                    " runs it over the test split.",
                ]
            ),
        ]
    return [
        *head,
        kpi_cards(
            [
                ("verdict", "⚠ biased" if result["biased"] else "✓ no bias"),
                ("model", f"{result['model']} v{result['version']}"),
                ("test products", str(result["products"])),
            ],
            label="Spatial audit",
        ),
        spatial_chart(result),  # its summary is the verdict, said once
    ]


def register_callbacks(app: Dash) -> None:
    """The pixel-level map runs in the background (diskcache or Celery) with progress."""
    server = app.server

    @app.callback(
        Output("explain-pixels-result", "children"),
        Output("explain-pixels-status", "children"),
        Input("explain-pixels-request", "data"),
        Input("explain-pixels-start", "n_clicks"),
        background=True,
        interval=300,
        progress=[
            Output("explain-pixels-progress", "value"),
            Output("explain-pixels-progress", "max"),
            Output("explain-pixels-progress-text", "children"),
        ],
        running=[
            (Output("explain-pixels-cancel", "disabled"), False, True),
            (Output("explain-pixels-start", "disabled"), True, False),
        ],
        cancel=[Input("explain-pixels-cancel", "n_clicks")],
        prevent_initial_call=False,
    )
    def pixel_map(set_progress, request: dict[str, Any] | None, _clicks: int | None):
        if not request:
            raise PreventUpdate

        def report(done: int, total: int) -> None:
            set_progress((done, total, f"{done} of {total} model evaluations"))

        # The job runs in another process (a child or a Celery worker): it needs the app.
        with server.app_context():
            try:
                signed = request.get("job", "") if isinstance(request, dict) else ""
                job = _job_signer().loads(signed)
            except BadData:
                refused = "This page did not ask for that map: reload it from the address bar."
                return notice("No pixel-level map", refused, kind="error"), "Refused."
            try:
                current = services()
                result = explain_prediction(
                    current,
                    int(job["id"]),
                    target=job["target"],
                    pixels=True,
                    max_evals=current.settings.explain_max_evals,
                    progress=report,
                )
            except (NotExplainable, ModelsNotReady) as exc:
                message = str(exc.args[0]) if isinstance(exc, NotExplainable) else str(exc)
                return notice("No pixel-level map", message, kind="error"), "Failed."
        done = "Pixel-level map ready" + (" (from the cache)." if result.cached else ".")
        if job.get("lead"):
            return [_lead(result), shap_heatmap(result)], done
        with server.app_context():
            fast = find_explanation(
                current,
                int(job["id"]),
                target=job["target"] or None,
                max_evals=current.settings.explain_max_evals,
            ).cached
        agreement = [map_agreement(fast, result)] if fast is not None else []
        return [shap_heatmap(result), *agreement], done

    @app.callback(
        Output("explain-pixels-status", "children", allow_duplicate=True),
        Input("explain-pixels-cancel", "n_clicks"),
        prevent_initial_call=True,
    )
    def cancelled(_clicks: int | None) -> str:
        return "Cancelled. Compute again starts it over."
