"""The Models page's "Trained on reviewers' decisions": versions trained with
`--use-reviews` beside the version that was active, on the same test split and reviewed
predictions; for admins, a button to retrain the fusion so, and one to activate a version."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.components.aria import aria
from dashboard.components.formats import pct
from dashboard.components.ids import page_ids
from dashboard.components.tables import data_table
from dashboard.services.model_roles import ADMIN_ROLE as ADMIN
from dashboard.services.model_roles import activate_version
from dashboard.services.retrain_job import AlreadyRunning, RetrainState, can_train, start, state
from dashboard.services.review_training import ReviewedVersion, reviewed_versions
from dashboard.web.auth import allowed, requester
from dashboard.web.context import services
from dashboard.web.i18n import _, why
from ml.models.registry import PRIMARY

ID = page_ids("models-reviews")
ACTIVATE = ID("activate")
RETRAIN = ID("retrain")
STATUS = ID("status")
POLL = ID("poll")


def _rows(found: list[ReviewedVersion]) -> list[tuple[Any, ...]]:
    rows = []
    for v in found:
        r = v.reviews
        rows.append(
            (
                f"{v.name} v{v.version}",
                "active" if v.active else _("trained on reviews"),
                pct(r.get("test_accuracy")),
                pct(r.get("reviewed_accuracy")),
                r.get("corrected_labels"),
                r.get("added_examples"),
            )
        )
        before = r.get("active")
        if before:
            rows.append(
                (
                    f"{v.name} v{before['version']}",
                    _("active when it was trained"),
                    pct(before.get("test_accuracy")),
                    pct(before.get("reviewed_accuracy")),
                    None,
                    None,
                )
            )
    return rows


def _said(run: RetrainState | None) -> str:
    if run is None:
        return ""
    if run.running:
        return _(
            "Retraining since %(started_at)s UTC…",
            started_at=run.started_at,
        )
    if run.exit_code == 0:
        return _(
            "The retraining started %(started_at)s UTC is done: reload to compare.",
            started_at=run.started_at,
        )
    return _(
        "The retraining started %(started_at)s UTC failed (exit %(exit_code)s).",
        started_at=run.started_at,
        exit_code=run.exit_code,
    )


def section() -> list[Any]:
    found = reviewed_versions(services())
    children: list[Any] = [html.H2(_("Trained on reviewers' decisions"))]
    if found:
        children += [
            html.P(
                _(
                    "Each version trained with the labels reviewers corrected (and the reviewed "
                    "uploads added to its train split), beside the version that was active, both "
                    "scored on the same test split with corrected labels and on the reviewed "
                    "predictions. The new version learnt from the reviewed uploads, so its figure "
                    "on them is optimistic."
                )
            ),
            data_table(
                _("Versions trained on reviews, beside the active one"),
                [
                    _("Version"),
                    _("Status"),
                    _("Test accuracy"),
                    _("Accuracy on reviewed predictions"),
                    _("Labels corrected"),
                    _("Uploads added"),
                ],
                _rows(found),
                numeric=[False, False, True, True, True, True],
            ),
        ]
    else:
        children.append(
            html.P(
                _(
                    "No version is trained on reviewers' decisions yet: decide on the Review page, "
                    "then retrain (`vitrine train --use-reviews`, or the button below for admins)."
                )
            )
        )
    if not allowed(ADMIN):
        return children
    candidates = [v for v in found if not v.active]
    buttons: list[Any] = [
        html.Button(
            _(
                "Activate %(name)s v%(version)s",
                name=v.name,
                version=v.version,
            ),
            id={"type": ACTIVATE, "name": v.name, "version": v.version},
            type="button",
            className="btn btn-outline-primary",
        )
        for v in candidates
    ]
    if can_train():
        buttons.append(
            html.Button(
                _(
                    "Retrain %(primary)s on reviews",
                    primary=PRIMARY,
                ),
                id=RETRAIN,
                type="button",
                className="btn btn-primary",
            )
        )
    else:
        children.append(
            html.P(_("Retraining needs the train extra (the train image): run it there."))
        )
    run = state(services().settings)
    children += [
        html.Div(buttons, className="toggle-group", role="group", **aria(label=_("Admin actions"))),
        html.P(_said(run), id=STATUS, role="status"),
        dcc.Interval(id=POLL, interval=3000, disabled=not (run and run.running)),
    ]
    return children


def register_callbacks(app: Dash) -> None:
    @app.callback(
        Output(STATUS, "children"),
        Input({"type": ACTIVATE, "name": ALL, "version": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def activate(clicks: list[int | None]) -> str:
        chosen = ctx.triggered_id
        if not isinstance(chosen, dict) or not any(clicks):
            raise PreventUpdate
        # The same role as POST /api/model/activate.
        if not allowed(ADMIN):
            return _(
                "Not activated: this needs the %(admin)s role.",
                admin=ADMIN,
            )
        try:
            activate_version(services(), str(chosen["name"]), int(chosen["version"]), requester())
        except LookupError as exc:
            return _(
                "Not activated: %(args)s",
                args=why(exc),
            )
        return _(
            "%(name)s v%(version)s is now active: reload to see it.",
            name=chosen["name"],
            version=chosen["version"],
        )

    @app.callback(
        Output(STATUS, "children", allow_duplicate=True),
        Output(POLL, "disabled"),
        Input(RETRAIN, "n_clicks"),
        Input(POLL, "n_intervals"),
        State(STATUS, "children"),
        prevent_initial_call=True,
    )
    def retrain(clicks: int | None, _ticks: int | None, shown: str) -> tuple[str, bool]:
        if not allowed(ADMIN):
            return _(
                "Not started: this needs the %(admin)s role.",
                admin=ADMIN,
            ), True
        settings = services().settings
        if ctx.triggered_id == RETRAIN and clicks:
            try:
                start(settings)
            except AlreadyRunning as exc:
                return why(exc), False
        run = state(settings)
        return _said(run) or shown, not (run and run.running)
