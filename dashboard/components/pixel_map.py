"""The Explain page's pixel-level map: started once, computed off the web worker, polled.

The job is the API's (`dashboard.web.pixel_jobs`): a `vitrine worker` with Redis, else a child
interpreter of the web worker. Dash's own background callbacks forked the threaded web worker,
and a fork can inherit a lock another thread holds and hang for ever. Starting a map is metered
(`JOB`); polling it is free. The page's request is signed, and so is the job it starts, so a
browser can neither ask for another account's map nor read one by its cache key.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from celery.exceptions import CeleryError
from dash import Dash, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from dashboard.components.aria import aria
from dashboard.components.cards import notice
from dashboard.components.heatmap import map_agreement, shap_heatmap
from dashboard.services.explain import (
    NotExplainable,
    PredictionExplanation,
    find_explanation,
)
from dashboard.services.prediction import ModelsNotReady
from dashboard.web.auth import visible_owner
from dashboard.web.context import services
from dashboard.web.i18n import N_, _, category_label, percent, why
from dashboard.web.pixel_jobs import PixelJob, PixelJobs, job_state, pixel_jobs

REQUEST = "explain-pixels-request"  # what the page was allowed to show (signed by the layout)
JOB = "explain-pixels-job"  # the job started from it (signed by the start callback)
STATUS = "explain-pixels-status"
POLL_MS = 800
RULED_OUT = 0.01  # below this, an explanation says why not, not why
UNAVAILABLE = N_("Background jobs are unavailable: Redis does not answer. Try again shortly.")
CANCELLED = N_("Cancelled. Compute again starts it over.")


def _signer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.secret_key), salt=salt)


def explanation_lead(result: PredictionExplanation) -> html.Div:
    """Which category is explained, and a warning when the model all but ruled it out."""
    p = result.probabilities[result.target]
    said: list[Any] = [
        html.P(
            _(
                "Explaining %(target)s, probability %(p)s.",
                target=category_label(result.target),
                p=percent(p, 1),
            )
        )
    ]
    if p < RULED_OUT:
        said.append(
            notice(
                _("A category the model ruled out"),
                _(
                    "%(target)s has a probability of %(p)s: the maps show what pushed the "
                    "model away from it, not where it sees one.",
                    target=category_label(result.target),
                    p=percent(p, 1),
                ),
                kind="warning",
            )
        )
    return html.Div(said)


def pixel_section(prediction_id: int, target: str, *, lead: bool = False) -> html.Section:
    """The pixel-level map of a prediction, computed in the background once the page is shown
    (`lead`: there is no fast map, so the result says what is explained)."""
    request = {"job": _signer("explain-pixels").dumps([prediction_id, target, lead])}
    return html.Section(
        className="pixel-job",
        **aria(labelledby="explain-pixels-title"),
        children=[
            html.H3(_("Pixel-level map"), id="explain-pixels-title", className="chart__title"),
            dcc.Store(id=REQUEST, data=request),
            dcc.Store(id=JOB),
            dcc.Interval(id="explain-pixels-poll", interval=POLL_MS, disabled=True),
            html.Div(
                className="pixel-job__controls",
                children=[
                    html.Label(
                        _("Progress of the pixel-level explanation"),
                        htmlFor="explain-pixels-progress",
                        className="field__label",
                    ),
                    html.Progress(id="explain-pixels-progress", max="1", value="0"),
                    html.Span(id="explain-pixels-progress-text", className="result__meta"),
                    html.Div(
                        className="pixel-job__buttons",
                        children=[
                            html.Button(
                                _("Cancel"),
                                id="explain-pixels-cancel",
                                type="button",
                                className="btn btn-outline-secondary",
                                disabled=True,
                            ),
                            html.Button(
                                _("Compute again"),
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
                _("Computing the pixel-level map in the background…"),
                id=STATUS,
                role="status",
                className="result__meta",
            ),
            html.Div(id="explain-pixels-result"),
        ],
    )


def _start(request: Any) -> tuple[Any, ...]:
    """(job, poll disabled, status, cancel disabled, start disabled, result) for a request."""
    try:
        signed = request.get("job", "") if isinstance(request, dict) else ""
        prediction_id, target, lead = _signer("explain-pixels").loads(signed)
    except (BadData, ValueError, TypeError):
        refused = _("This page did not ask for that map: reload it from the address bar.")
        said = notice(_("No pixel-level map"), refused, kind="error")
        return None, True, _("Refused."), True, True, said
    current = services()
    evals = current.settings.explain_max_evals
    try:
        found = find_explanation(
            current,
            int(prediction_id),
            target=target or None,
            pixels=True,
            max_evals=evals,
            only_by=visible_owner(),
        )
        if found.cached is not None:
            shown, status = _shown(found.cached, int(prediction_id), target, bool(lead), True)
            return None, True, status, True, False, shown
        job = PixelJob(found.key, int(prediction_id), target or None, evals, visible_owner())
        state, _started = _jobs().ensure(job)
        if state["status"] == "failed":
            return _failed(str(state["message"]))
    except (NotExplainable, ModelsNotReady) as exc:
        return _failed(why(exc))
    except (RedisError, KombuError, CeleryError):
        return None, True, _(UNAVAILABLE), True, False, None
    job_data = [found.key, int(prediction_id), target, bool(lead)]
    started = {"job": _signer("explain-pixels-job").dumps(job_data)}
    computing = _("Computing the pixel-level map in the background…")
    return started, False, computing, False, True, None


def _failed(message: str) -> tuple[Any, ...]:
    return (
        None,
        True,
        _("Failed."),
        True,
        False,
        notice(_("No pixel-level map"), message, kind="error"),
    )


def _jobs() -> PixelJobs:
    return pixel_jobs(current_app._get_current_object())  # type: ignore[attr-defined]


def _poll(job: Any) -> tuple[Any, ...]:
    """(result, status, progress value, max, text, poll disabled, cancel/start disabled)."""
    key, prediction_id, target, lead = _signer("explain-pixels-job").loads(job["job"])
    current = services()
    result = current.results.get(key)
    if result is None:
        state = job_state(current_app._get_current_object(), key)  # type: ignore[attr-defined]
        if state is not None and state["status"] == "cancelled":
            raise PreventUpdate  # a tick sent before Cancel took effect
        # A job that vanished (its worker restarted) starts again: this page was allowed it.
        state, _started = _jobs().ensure(
            PixelJob(key, prediction_id, target or None, current.settings.explain_max_evals, None)
        )
        if state["status"] == "failed":
            said = notice(_("No pixel-level map"), str(state["message"]), kind="error")
            return said, _("Failed."), no_update, no_update, "", True, True, False
        done, total = int(state.get("done", 0)), int(state.get("total", 1))
        text = (
            _(
                "%(done)s of %(total)s model evaluations",
                done=done,
                total=total,
            )
            if state["status"] == "running"
            else ""
        )
        return no_update, no_update, done, total, text, False, False, True
    shown, status = _shown(result, prediction_id, target, lead, False)
    evaluations = result.image.evaluations
    return (
        shown,
        status,
        evaluations,
        evaluations,
        _(
            "%(evaluations)s model evaluations",
            evaluations=evaluations,
        ),
        True,
        True,
        False,
    )


def _shown(
    result: PredictionExplanation, prediction_id: int, target: str, lead: bool, cached: bool
) -> tuple[list[Any], str]:
    """The map (with what is explained, or how it agrees with the fast map) and its status."""
    result = replace(result, prediction_id=prediction_id, cached=cached)
    status = _("Pixel-level map ready") + (_(" (from the cache).") if cached else ".")
    if lead:
        return [explanation_lead(result), shap_heatmap(result)], status
    current = services()
    fast = find_explanation(
        current, prediction_id, target=target or None, max_evals=current.settings.explain_max_evals
    ).cached
    agreement = [map_agreement(fast, result)] if fast is not None else []
    return [shap_heatmap(result), *agreement], status


def register_callbacks(app: Dash) -> None:
    @app.callback(
        Output(JOB, "data"),
        Output("explain-pixels-poll", "disabled"),
        Output(STATUS, "children"),
        Output("explain-pixels-cancel", "disabled"),
        Output("explain-pixels-start", "disabled"),
        Output("explain-pixels-result", "children"),
        Input(REQUEST, "data"),
        Input("explain-pixels-start", "n_clicks"),
    )
    def start(request: Any, _clicks: int | None) -> tuple[Any, ...]:
        if not request:
            raise PreventUpdate
        return _start(request)

    @app.callback(
        Output("explain-pixels-result", "children", allow_duplicate=True),
        Output(STATUS, "children", allow_duplicate=True),
        Output("explain-pixels-progress", "value"),
        Output("explain-pixels-progress", "max"),
        Output("explain-pixels-progress-text", "children"),
        Output("explain-pixels-poll", "disabled", allow_duplicate=True),
        Output("explain-pixels-cancel", "disabled", allow_duplicate=True),
        Output("explain-pixels-start", "disabled", allow_duplicate=True),
        Input("explain-pixels-poll", "n_intervals"),
        State(JOB, "data"),
        prevent_initial_call=True,
    )
    def poll(_ticks: int | None, job: Any) -> tuple[Any, ...]:
        if not isinstance(job, dict):
            raise PreventUpdate
        try:
            return _poll(job)
        except BadData:
            raise PreventUpdate from None
        except (RedisError, KombuError, CeleryError):
            return no_update, _(UNAVAILABLE), *(no_update,) * 3, True, True, False

    @app.callback(
        Output(STATUS, "children", allow_duplicate=True),
        Output("explain-pixels-poll", "disabled", allow_duplicate=True),
        Output("explain-pixels-cancel", "disabled", allow_duplicate=True),
        Output("explain-pixels-start", "disabled", allow_duplicate=True),
        Input("explain-pixels-cancel", "n_clicks"),
        State(JOB, "data"),
        prevent_initial_call=True,
    )
    def cancel(_clicks: int | None, job: Any) -> tuple[Any, ...]:
        if isinstance(job, dict):
            try:
                key = _signer("explain-pixels-job").loads(job["job"])[0]
            except BadData:
                raise PreventUpdate from None
            _jobs().cancel(key)
        return _(CANCELLED), True, True, False
