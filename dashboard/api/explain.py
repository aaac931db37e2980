"""GET /api/predictions/{id}/explanation: SHAP attributions of a recorded prediction."""

from __future__ import annotations

import io
from typing import Any

from flask import Response, current_app, jsonify, request, send_file
from flask_login import current_user
from kombu.exceptions import KombuError
from pydantic import BaseModel
from redis.exceptions import RedisError

from dashboard.api import schemas as s
from dashboard.api.errors import ApiError
from dashboard.api.openapi import NOT_FOUND, UNAVAILABLE, UNPROCESSABLE, Operation, Param
from dashboard.api.routes import Routes
from dashboard.api.schemas import MAX_ID
from dashboard.services.explain import NotExplainable, explain_prediction, find_explanation
from dashboard.services.prediction import ModelsNotReady
from dashboard.services.thumbnails import SIZES, NoPhoto, prediction_thumbnail
from dashboard.web import auth
from dashboard.web.auth import visible_owner
from dashboard.web.context import services
from dashboard.web.pixel_jobs import PixelJob, pixel_jobs
from dashboard.web.ratelimits import keep_retry_after
from ml.categories import CATEGORIES

MAX_EVALS = 2000
RETRY_AFTER_S = 2
PHOTO_MAX_AGE = 3600


PREDICTION_ID = Param(
    "prediction_id",
    "path",
    {"type": "integer", "minimum": 1, "maximum": s.MAX_ID},
    "The prediction's number.",
    required=True,
    example=1,
)

# What an explaining operation answers besides its 200 (the explanation, the decision report).
EXPLAINING_RESPONSES: dict[int, tuple[str, type[BaseModel] | None]] = {
    404: NOT_FOUND,
    422: UNPROCESSABLE,
    429: ("Too many explanations computed for this caller; retry later.", s.ErrorOut),
    503: UNAVAILABLE,
}

EXPLANATION = Operation(
    "get",
    "/predictions/{prediction_id}/explanation",
    "SHAP explanation of a recorded prediction",
    "explanation",
    {
        200: ("Image and text attributions.", s.ExplanationOut),
        202: (
            "A pixel-level map is being computed in the background; ask the same address "
            "again after Retry-After seconds (it answers 200 with the map when it is ready).",
            s.ExplanationPendingOut,
        ),
        **EXPLAINING_RESPONSES,
    },
    params=(
        PREDICTION_ID,
        Param(
            "mode",
            "query",
            {"type": "string", "enum": ["cells", "pixels"], "default": "cells"},
            "Fast 7x7 cells (answered at once) or pixel-level (computed in the background: "
            "202 until it is ready).",
        ),
        Param(
            "target",
            "query",
            {"type": "string", "enum": list(s.CATEGORY_NAMES)},
            "Explain this category instead of the predicted one.",
        ),
        Param(
            "max_evals",
            "query",
            {"type": "integer", "minimum": 50, "maximum": 2000, "default": 300},
            "Budget of a pixel-level map: up to VITRINE_EXPLAIN_MAX_EVALS (300) for viewers "
            "and in open mode, up to 2000 for auditors and admins (403 beyond).",
        ),
    ),
)


def _evals_cap() -> int:
    """A pixel map costs about 15 ms per evaluation: viewers (and everyone in open mode) get
    the dashboard's own budget, auditors and admins the full range."""
    if auth.enabled() and current_user.may("auditor"):
        return MAX_EVALS
    return int(services().settings.explain_max_evals)


PREDICTION_PHOTO = Operation(
    "get",
    "/predictions/{prediction_id}/photo",
    "The photo of a recorded prediction, as a small JPEG",
    "explanation",
    {
        200: ("JPEG bytes.", None),
        304: ("Not modified.", None),
        404: NOT_FOUND,
        422: UNPROCESSABLE,
    },
    params=(
        PREDICTION_ID,
        Param(
            "size",
            "query",
            {"type": "integer", "enum": list(SIZES), "default": 96},
            "Longest side in pixels.",
        ),
    ),
    produces=("image/jpeg",),
)


def register(routes: Routes) -> None:
    @routes.operation(PREDICTION_PHOTO)
    def prediction_photo(prediction_id: int) -> Response:
        raw_size = request.args.get("size", "96")
        if not raw_size.isdigit() or int(raw_size) not in SIZES:
            raise ApiError(422, "invalid_size", f"size is one of {', '.join(map(str, SIZES))}.")
        if prediction_id > MAX_ID:
            raise ApiError(404, "photo_not_found", f"no prediction #{prediction_id}")
        try:
            data, etag = prediction_thumbnail(
                services(),
                prediction_id,
                size=int(raw_size),
                only_by=visible_owner(),
            )
        except NoPhoto as exc:
            raise ApiError(404, "photo_not_found", str(exc.args[0])) from exc
        response = send_file(
            io.BytesIO(data),
            mimetype="image/jpeg",
            etag=etag,
            conditional=True,
            max_age=PHOTO_MAX_AGE,
        )
        # Private: the photo is as personal as the prediction.
        response.headers["Cache-Control"] = f"private, max-age={PHOTO_MAX_AGE}"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @routes.operation(EXPLANATION)
    def explanation(prediction_id: int) -> Response:
        if prediction_id > MAX_ID:
            raise ApiError(404, "not_explainable", f"no prediction #{prediction_id}")
        mode = request.args.get("mode", "cells")
        target = request.args.get("target") or None
        raw_evals = request.args.get("max_evals", "300")
        if mode not in ("cells", "pixels"):
            raise ApiError(422, "invalid_mode", "mode is cells (fast) or pixels.")
        if target is not None and target not in CATEGORIES:
            raise ApiError(422, "invalid_target", "target is one of the 7 categories.")
        if not raw_evals.isdigit() or not 50 <= int(raw_evals) <= MAX_EVALS:
            raise ApiError(422, "invalid_max_evals", f"max_evals is 50 to {MAX_EVALS}.")
        cap = _evals_cap()
        if int(raw_evals) > cap:
            raise ApiError(
                403,
                "max_evals_over_cap",
                f"Your role may ask for up to {cap} evaluations; auditors and admins up to "
                f"{MAX_EVALS}.",
                {"cap": cap},
            )
        try:
            found = find_explanation(
                services(),
                prediction_id,
                target=target,
                pixels=mode == "pixels",
                max_evals=int(raw_evals),
                only_by=visible_owner(),
            )
            if found.pixels and found.cached is None:
                return pending_pixel_job(
                    PixelJob(found.key, prediction_id, target, int(raw_evals), visible_owner())
                )
            result = found.cached or explain_prediction(
                services(),
                prediction_id,
                target=target,
                max_evals=int(raw_evals),
                only_by=visible_owner(),
            )
        except NotExplainable as exc:
            raise ApiError(404, "not_explainable", str(exc.args[0])) from exc
        except ModelsNotReady as exc:
            raise ApiError(503, "models_not_ready", str(exc)) from exc
        image = result.image
        text = result.text
        return jsonify(
            {
                "prediction_id": prediction_id,
                "model": result.model,
                "model_version": result.version,
                "target": result.target,
                "cached": result.cached,
                "probabilities": result.probabilities,
                "image": {
                    "mode": image.mode,
                    "grid": image.grid.round(6).tolist(),
                    "base_value": image.base_value,
                    "output_value": image.output_value,
                    "quadrant_shares": image.quadrant_shares(),
                    "summary": image.summary(),
                    "seconds": round(image.seconds, 3),
                    "evaluations": image.evaluations,
                },
                "text": None
                if text is None
                else {
                    "base_value": text.base_value,
                    "output_value": text.output_value,
                    "tokens": [{"token": c.token, "value": c.value} for c in text.contributions],
                    "other_words": text.other_words,
                },
            }
        )


def pending_pixel_job(job: PixelJob, page: bool = False) -> Response:
    """202 while the job is queued or running (starting it if nobody has); its failure, once.
    With `page` (a browser following a link), the 202 is a page that reloads itself."""
    server = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        state, started = pixel_jobs(server).ensure(job)
    except (RedisError, KombuError) as exc:
        raise ApiError(
            503, "background_unavailable", "Background jobs are unavailable (Redis)."
        ) from exc
    if state["status"] == "failed":  # said once: the next request tries again
        raise ApiError(int(state["http"]), str(state["code"]), str(state["message"]))
    body = {
        "prediction_id": job.prediction_id,
        "status": state["status"],
        "started_now": started,
        "done": int(state.get("done", 0)),
        "total": int(state.get("total", job.max_evals)),
        "retry_after": RETRY_AFTER_S,
    }
    response = _waiting_page(body) if page else jsonify(body)
    response.status_code = 202
    keep_retry_after(RETRY_AFTER_S)
    response.headers["Location"] = request.full_path.rstrip("?")
    return response


def _waiting_page(body: dict[str, Any]) -> Response:
    """What a person who followed a link sees while the map is computed: it reloads itself."""
    done, total, wait = body["done"], body["total"], body["retry_after"]
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="{wait}">
<title>Preparing the report of prediction #{body["prediction_id"]}</title></head>
<body><main><h1>Preparing the report of prediction #{body["prediction_id"]}</h1>
<p role="status">Its pixel-level map is being computed ({done} of {total} model evaluations).
This page reloads by itself every {wait} seconds until the report is ready.</p>
</main></body></html>"""
    return Response(page, mimetype="text/html")
