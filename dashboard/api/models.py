"""GET /api/model/info and POST /api/model/activate: what serves predictions, how well every
model scores, and which version serves."""

from __future__ import annotations

from flask import Response, jsonify

from dashboard.api import schemas as s
from dashboard.api.errors import ApiError, parse_body
from dashboard.api.openapi import NOT_FOUND, UNPROCESSABLE, Operation
from dashboard.api.routes import Routes
from dashboard.api.schemas import ActivatedOut, ActivateIn
from dashboard.services import style_shift
from dashboard.services.model_roles import activate_version
from dashboard.services.serving import serving_roles
from dashboard.services.training import learned_views
from dashboard.web.auth import requester
from dashboard.web.context import services
from db.engine import session_scope
from db.models import ModelVersion
from db.repo_models import active_versions, list_model_versions
from ml.backbone_spec import BackboneSpec
from ml.categories import CATEGORIES
from ml.models.registry import DESCRIPTIONS

SUMMARY_METRICS = ("accuracy", "macro_f1", "ece", "latency_ms", "val_accuracy")


MODEL_INFO = Operation(
    "get",
    "/model/info",
    "The serving models and every version's test metrics",
    "models",
    {200: ("Models and metrics.", s.ModelInfoOut)},
)

MODEL_ACTIVATE = Operation(
    "post",
    "/model/activate",
    "Make a model version the active one for its name",
    "models",
    {200: ("The version now serves.", s.ActivatedOut), 404: NOT_FOUND, 422: UNPROCESSABLE},
    body=s.ActivateIn,
    role="admin",
)


def _role(mv: ModelVersion, roles: dict[str, str]) -> str:
    """primary or fallback (answers), shadow (scores beside it) or comparison."""
    if mv.is_shadow:
        return "shadow"
    return roles.get(mv.name, "comparison") if mv.is_active else "comparison"


def register(routes: Routes) -> None:
    @routes.operation(MODEL_INFO)
    def model_info() -> Response:
        settings = services().settings
        spec = BackboneSpec(settings.backbone, settings.backbone_weights)
        with session_scope(services().sessions) as session:
            active = active_versions(session)
            roles = serving_roles(services(), active)
            versions = list_model_versions(session)
            models = [
                {
                    "name": mv.name,
                    "version": mv.version,
                    "active": mv.is_active,
                    "shadow": mv.is_shadow,
                    "role": _role(mv, roles),
                    "description": DESCRIPTIONS.get(mv.name, ""),
                    "parameters": mv.params_count,
                    "backbone": mv.backbone,
                    "created_at": mv.created_at.isoformat() if mv.created_at else None,
                    "metrics": {k: mv.metrics.get(k) for k in SUMMARY_METRICS},
                    "per_class": mv.metrics.get("per_class", {}),
                }
                for mv in versions
            ]
            serving: dict[str, dict[str, object] | None] = {"primary": None, "fallback": None}
            for name, role in roles.items():
                serving[role] = {
                    "model": name,
                    "version": active[name].version,
                    "review_sets_calibrated_on": style_shift.sets_calibrated_on(services(), name),
                    "training_views": learned_views(active[name].artifact_path),
                }
        return jsonify(
            {
                "classes": list(CATEGORIES),
                "serving": serving,
                "review_threshold": settings.review_threshold,
                "backbone": {
                    "architecture": spec.name,
                    "weights": spec.source,
                    "frozen": True,
                    "pretrained_on": "ImageNet-1k",
                },
                "models": models,
            }
        )

    @routes.operation(MODEL_ACTIVATE)
    def model_activate() -> Response:
        body = parse_body(ActivateIn)
        try:
            change = activate_version(services(), body.name, body.version, requester())
        except LookupError as exc:
            raise ApiError(404, "version_not_found", str(exc.args[0]), {"name": body.name}) from exc
        out = ActivatedOut(name=change.name, version=change.version, active=True)
        return jsonify(out.model_dump())
