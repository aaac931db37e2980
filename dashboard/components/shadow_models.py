"""The Models page's "Shadow versions": each version scoring live traffic beside the version
it shadows (agreement, accuracy on reviewed predictions, the cases where they differ, with links
to explain both answers), the recent changes of what serves, and the admin's actions: put a
version in shadow, stop it, promote it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import ALL, Dash, Input, Output, ctx, html
from dash.exceptions import PreventUpdate

from dashboard.components.aria import aria
from dashboard.components.formats import pct
from dashboard.components.ids import page_ids
from dashboard.components.tables import data_table
from dashboard.services.model_roles import (
    ADMIN_ROLE,
    ShadowRefused,
    events,
    promote_shadow,
    put_in_shadow,
    shadow_candidates,
    stop_shadow,
)
from dashboard.services.reviews import REVIEW_ROLE
from dashboard.services.shadow_figures import ShadowView, shadow_summary, shadow_views
from dashboard.web.auth import allowed, requester
from dashboard.web.context import services
from dashboard.web.i18n import N_, _, category_label, when, why

ID = page_ids("models-shadow")
SHADOW = ID("shadow")
STOP = ID("stop")
PROMOTE = ID("promote")
STATUS = ID("status")
CANDIDATES_SHOWN = 4  # per model, newest first
ACTIONS = {
    "activate": "activated",
    "shadow": N_("put in shadow"),
    "unshadow": N_("taken out of shadow"),
    "promote": N_("promoted from shadow"),
}


def _when(at: datetime | None) -> str:
    return when(at) if at else "—"


def _figures(view: ShadowView) -> html.Div:
    f = view.figures
    return data_table(
        _(
            "%(name)s v%(version)s (shadow) beside v%(active_version)s (active)",
            name=view.name,
            version=view.version,
            active_version=view.active_version,
        ),
        [_("Figure"), _("Value")],
        [
            (_("Live predictions scored by both"), f.scored),
            (_("Same category"), f.agreed),
            (_("Agreement"), pct(view.agreement)),
            (_("Reviewed by a person"), f.reviewed),
            (
                _(
                    "Active v%(active_version)s right on reviewed",
                    active_version=view.active_version,
                ),
                pct(view.live_accuracy),
            ),
            (
                _(
                    "Shadow v%(version)s right on reviewed",
                    version=view.version,
                ),
                pct(view.shadow_accuracy),
            ),
        ],
        numeric=[False, True],
    )


def _disagreements(view: ShadowView) -> list[Any]:
    if not view.disagreements:
        return [html.P(_("They have not answered any live prediction differently yet."))]
    rows = []
    for d in view.disagreements:
        live = f"{category_label(d.live.category)} ({pct(d.live.confidence)})"
        shadow = f"{category_label(d.shadow.category)} ({pct(d.shadow.confidence)})"
        rows.append(
            (
                f"#{d.prediction_id}",
                _when(d.at),
                html.A(
                    live,
                    href=f"/explain?prediction={d.prediction_id}",
                    title=_(
                        "Explain the active answer to prediction #%(prediction_id)s",
                        prediction_id=d.prediction_id,
                    ),
                ),
                html.A(
                    shadow,
                    href=f"/explain?prediction={d.prediction_id}&shadow=1",
                    title=_(
                        "Explain the shadow's answer to prediction #%(prediction_id)s",
                        prediction_id=d.prediction_id,
                    ),
                ),
                d.reviewed_category or _("not reviewed"),
            )
        )
    return [
        data_table(
            _(
                "Newest live predictions %(name)s v%(version)s answered differently",
                name=view.name,
                version=view.version,
            ),
            [
                _("Prediction"),
                _("When"),
                _("Active answer"),
                _("Shadow answer"),
                _("Reviewer decided"),
            ],
            rows,
        )
    ]


def _view(view: ShadowView) -> list[Any]:
    children: list[Any] = [
        html.H3(
            _(
                "%(name)s v%(version)s, in shadow of v%(active_version)s",
                name=view.name,
                version=view.version,
                active_version=view.active_version,
            ),
            className="h5",
        ),
        # The figures are in the table below; the sentence says what they add up to.
        html.P(
            _(
                "Role: %(role)s. In shadow since %(when)s. ",
                role=view.role,
                when=_when(view.since),
            )
            + shadow_summary(view).split("\n", 1)[1]
        ),
        _figures(view),
    ]
    if allowed(REVIEW_ROLE):  # the disagreements name live predictions, as the audit trail does
        children += _disagreements(view)
    if allowed(ADMIN_ROLE):
        children.append(
            html.Div(
                [
                    html.Button(
                        _(
                            "Promote %(name)s v%(version)s",
                            name=view.name,
                            version=view.version,
                        ),
                        id={"type": PROMOTE, "name": view.name},
                        type="button",
                        className="btn btn-primary",
                    ),
                    html.Button(
                        _(
                            "Stop shadow of %(name)s v%(version)s",
                            name=view.name,
                            version=view.version,
                        ),
                        id={"type": STOP, "name": view.name},
                        type="button",
                        className="btn btn-outline-secondary",
                    ),
                ],
                className="toggle-group",
                role="group",
                **aria(
                    label=_(
                        "Admin actions on %(name)s v%(version)s",
                        name=view.name,
                        version=view.version,
                    )
                ),
            )
        )
    return children


def _events() -> list[Any]:
    found = events(services())
    if not found:
        return []
    return [
        data_table(
            _("Recent changes of what serves"),
            [_("When"), _("Who"), _("Change")],
            [
                (
                    _when(e.at),
                    e.username or _("command line"),
                    f"{e.name} v{e.version} {_(ACTIONS.get(e.action, e.action))}"
                    + (
                        _(
                            " (v%(replaced_version)s was active)",
                            replaced_version=e.replaced_version,
                        )
                        if e.replaced_version
                        else ""
                    ),
                )
                for e in found
            ],
            prose=[2],
        )
    ]


def _admin_candidates() -> list[Any]:
    shown: dict[str, int] = {}
    buttons = []
    for name, version in shadow_candidates(services()):  # newest first per model
        if shown.get(name, 0) >= CANDIDATES_SHOWN:
            continue
        shown[name] = shown.get(name, 0) + 1
        buttons.append(
            html.Button(
                _(
                    "Put %(name)s v%(version)s in shadow",
                    name=name,
                    version=version,
                ),
                id={"type": SHADOW, "name": name, "version": version},
                type="button",
                className="btn btn-outline-primary",
            )
        )
    if not buttons:
        return [html.P(_("Every trained version of the serving models is active or in shadow."))]
    return [
        html.Div(
            buttons,
            className="toggle-group",
            role="group",
            **aria(label=_("Put a version in shadow")),
        )
    ]


def section() -> list[Any]:
    views = shadow_views(services())
    children: list[Any] = [
        html.H2(_("Shadow versions")),
        html.P(
            _(
                "A version in shadow answers every live prediction of its model too, after the "
                "active version's answer has been returned and recorded; nobody is shown its "
                "answers. Compare them here, then promote it or stop it."
            )
        ),
    ]
    if not views:
        children.append(html.P(_("No version is in shadow.")))
    for view in views:
        children += _view(view)
    if allowed(ADMIN_ROLE):
        children += _admin_candidates()
        children.append(html.P(id=STATUS, role="status"))
    children += _events()
    return children


def register_callbacks(app: Dash) -> None:
    @app.callback(
        Output(STATUS, "children"),
        Input({"type": SHADOW, "name": ALL, "version": ALL}, "n_clicks"),
        Input({"type": STOP, "name": ALL}, "n_clicks"),
        Input({"type": PROMOTE, "name": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def change(*clicks: list[int | None]) -> str:
        chosen = ctx.triggered_id
        if not isinstance(chosen, dict) or not any(any(c) for c in clicks):
            raise PreventUpdate
        if not allowed(ADMIN_ROLE):  # the same role as the API's
            return _(
                "Nothing changed: this needs the %(admin_role)s role.",
                admin_role=ADMIN_ROLE,
            )
        name = str(chosen["name"])
        try:
            if chosen["type"] == SHADOW:
                done = put_in_shadow(services(), name, int(chosen["version"]), requester())
                return _(
                    "%(name)s v%(version)s is in shadow from now on: reload to follow it.",
                    name=name,
                    version=done.version,
                )
            if chosen["type"] == STOP:
                done = stop_shadow(services(), name, requester())
                return _(
                    "%(name)s v%(version)s is no longer in shadow.",
                    name=name,
                    version=done.version,
                )
            done = promote_shadow(services(), name, requester())
            return _(
                "%(name)s v%(version)s is now active (v%(replaced_version)s was): "
                "reload to see it.",
                name=name,
                version=done.version,
                replaced_version=done.replaced_version,
            )
        except (LookupError, ShadowRefused) as exc:
            return _(
                "Nothing changed: %(args)s",
                args=why(exc),
            )
