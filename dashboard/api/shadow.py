"""Shadow versions over the API: GET /api/model/shadow compares each with the version it
shadows; an admin puts a version in shadow, stops it, or promotes it (each change recorded)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from dashboard.api import schemas as s
from dashboard.api.errors import ApiError, parse_body
from dashboard.api.openapi import NOT_FOUND, UNPROCESSABLE, Operation, Param
from dashboard.api.routes import Routes
from dashboard.services.model_roles import (
    ADMIN_ROLE,
    Change,
    ShadowRefused,
    events,
    promote_shadow,
    put_in_shadow,
    stop_shadow,
)
from dashboard.services.shadow_figures import ShadowView, shadow_views
from dashboard.web.auth import requester
from dashboard.web.context import services
from ml.models.registry import MODEL_NAMES

CONFLICT = (
    "The version cannot be put in shadow (it serves already, or its model answers "
    "nothing, or it cannot load beside the active models).",
    s.ErrorOut,
)

SHADOWS = Operation(
    "get",
    "/model/shadow",
    "Versions in shadow beside the versions they shadow: agreement, disagreements, accuracy "
    "on reviewed predictions",
    "models",
    {200: ("Each version in shadow, and the recent changes of what serves.", s.ShadowsOut)},
    role="auditor",  # the disagreements name live predictions
)
PUT_IN_SHADOW = Operation(
    "post",
    "/model/shadow",
    "Put a version in shadow: it scores every live prediction of its model, answering nobody",
    "models",
    {
        200: ("In shadow from now on.", s.ModelChangeOut),
        404: NOT_FOUND,
        409: CONFLICT,
        422: UNPROCESSABLE,
    },
    body=s.ShadowIn,
    role=ADMIN_ROLE,
)
STOP_SHADOW = Operation(
    "delete",
    "/model/shadow/{name}",
    "Stop scoring a model's shadow version",
    "models",
    {200: ("No longer in shadow.", s.ModelChangeOut), 404: NOT_FOUND},
    params=(
        Param(
            "name",
            "path",
            {"type": "string", "enum": list(MODEL_NAMES)},
            "The model.",
            required=True,
            example="fusion",
        ),
    ),
    role=ADMIN_ROLE,
)
PROMOTE = Operation(
    "post",
    "/model/promote",
    "Make a model's shadow version the active one",
    "models",
    {
        200: ("The shadow version now answers.", s.ModelChangeOut),
        404: NOT_FOUND,
        422: UNPROCESSABLE,
    },
    body=s.PromoteIn,
    role=ADMIN_ROLE,
)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def view_dict(view: ShadowView) -> dict[str, Any]:
    f = view.figures
    return {
        "model": view.name,
        "version": view.version,
        "role": view.role,
        "active_version": view.active_version,
        "since": view.since.isoformat() if view.since else None,
        "scored": f.scored,
        "agreed": f.agreed,
        "agreement": _pct(view.agreement),
        "reviewed": f.reviewed,
        "live_accuracy_on_reviewed": _pct(view.live_accuracy),
        "shadow_accuracy_on_reviewed": _pct(view.shadow_accuracy),
        "disagreements": [
            {
                "prediction_id": d.prediction_id,
                "created_at": d.at.isoformat(),
                "live": {
                    "version": d.live.version,
                    "category": d.live.category,
                    "confidence": d.live.confidence,
                },
                "shadow": {
                    "version": d.shadow.version,
                    "category": d.shadow.category,
                    "confidence": d.shadow.confidence,
                },
                "reviewed_category": d.reviewed_category,
            }
            for d in view.disagreements
        ],
    }


def _change(change: Change, action: str) -> Response:
    out = s.ModelChangeOut(
        action=action,
        name=change.name,
        version=change.version,
        replaced_version=change.replaced_version,
    )
    return jsonify(out.model_dump())


def register(routes: Routes) -> None:
    @routes.operation(SHADOWS)
    def shadows() -> Response:
        return jsonify(
            {
                "shadows": [view_dict(v) for v in shadow_views(services())],
                "events": [
                    {
                        "at": e.at.isoformat(),
                        "by": e.username,
                        "action": e.action,
                        "model": e.name,
                        "version": e.version,
                        "replaced_version": e.replaced_version,
                    }
                    for e in events(services())
                ],
            }
        )

    @routes.operation(PUT_IN_SHADOW)
    def shadow_put() -> Response:
        body = parse_body(s.ShadowIn)
        try:
            change = put_in_shadow(services(), body.name, body.version, requester())
        except LookupError as exc:
            raise ApiError(404, "version_not_found", str(exc.args[0]), {"name": body.name}) from exc
        except ShadowRefused as exc:
            raise ApiError(409, "shadow_refused", str(exc), {"name": body.name}) from exc
        return _change(change, "shadow")

    @routes.operation(STOP_SHADOW)
    def shadow_stop(name: str) -> Response:
        try:
            change = stop_shadow(services(), name, requester())
        except LookupError as exc:
            raise ApiError(404, "no_shadow", str(exc.args[0]), {"name": name}) from exc
        return _change(change, "unshadow")

    @routes.operation(PROMOTE)
    def promote() -> Response:
        body = parse_body(s.PromoteIn)
        try:
            change = promote_shadow(services(), body.name, requester())
        except LookupError as exc:
            raise ApiError(404, "no_shadow", str(exc.args[0]), {"name": body.name}) from exc
        return _change(change, "promote")
