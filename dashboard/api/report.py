"""GET /api/predictions/{id}/report: the decision report of a recorded prediction, HTML or PDF."""

from __future__ import annotations

import logging

from flask import Response, request

from dashboard.api import schemas as s
from dashboard.api.errors import ApiError
from dashboard.api.explain import EXPLAINING_RESPONSES, PREDICTION_ID, pending_pixel_job
from dashboard.api.openapi import JSON, Operation, Param
from dashboard.api.routes import Routes
from dashboard.api.schemas import MAX_ID
from dashboard.services.explain import DEFAULT_PIXEL_EVALS
from dashboard.services.locales import DEFAULT_LANGUAGE, LANGUAGES
from dashboard.services.prediction import ModelsNotReady
from dashboard.services.report import PixelMapPending, UnknownPrediction, build_report
from dashboard.services.report_render import report_html, report_pdf
from dashboard.web.auth import visible_owner
from dashboard.web.context import services
from dashboard.web.pixel_jobs import PixelJob
from dashboard.web.requestlog import current_request_id

log = logging.getLogger(__name__)

FORMATS = {"html": "text/html", "pdf": "application/pdf"}

REPORT = Operation(
    "get",
    "/predictions/{prediction_id}/report",
    "Decision report of a recorded prediction (HTML or PDF)",
    "explanation",
    {
        200: ("The report: an HTML page (images inline) or a tagged A4 PDF.", None),
        202: (
            "The prediction's model is explained on pixels and that map is being computed; "
            "ask the same address again after Retry-After seconds.",
            s.ExplanationPendingOut,
        ),
        **EXPLAINING_RESPONSES,
    },
    params=(
        PREDICTION_ID,
        Param(
            "format",
            "query",
            {"type": "string", "enum": list(FORMATS), "default": "html"},
            "html: one self-contained page; pdf: PDF/UA-1 (tagged), A4.",
        ),
        Param(
            "lang",
            "query",
            {"type": "string", "enum": list(LANGUAGES), "default": DEFAULT_LANGUAGE},
            "The report's language (category names stay canonical in the API, not here).",
        ),
    ),
    produces=("text/html", "application/pdf"),
    description=(
        "Everything about one decision, from its audit row: the product as given, the "
        "decision and every probability, the model version with its test accuracy and "
        "calibration error, the explanation (image map and words), the 3 most similar "
        "catalogue products, the ids, and what the model can and cannot do. Whoever may see "
        "the prediction's explanation may fetch its report."
    ),
)


def register(routes: Routes) -> None:
    @routes.operation(REPORT)
    def report(prediction_id: int) -> Response:
        fmt = request.args.get("format", "html")
        if fmt not in FORMATS:
            raise ApiError(422, "invalid_format", "format is html or pdf.")
        language = request.args.get("lang", DEFAULT_LANGUAGE)
        if language not in LANGUAGES:
            raise ApiError(422, "invalid_lang", f"lang is one of {', '.join(LANGUAGES)}.")
        if prediction_id > MAX_ID:
            raise ApiError(404, "not_explainable", f"no prediction #{prediction_id}")
        try:
            built = build_report(
                services(), prediction_id, only_by=visible_owner(), language=language
            )
        except UnknownPrediction as exc:
            raise ApiError(404, "not_explainable", str(exc.args[0])) from exc
        except PixelMapPending as pending:
            owner = visible_owner()
            job = PixelJob(pending.lookup.key, prediction_id, None, DEFAULT_PIXEL_EVALS, owner)
            page = request.accept_mimetypes.best_match([JSON, "text/html"]) == "text/html"
            return pending_pixel_job(job, page=page)
        except ModelsNotReady as exc:
            raise ApiError(503, "models_not_ready", str(exc)) from exc
        body = report_html(built, language) if fmt == "html" else report_pdf(built, language)
        log.info(
            "decision report prediction_id=%s format=%s lang=%s request_id=%s",
            prediction_id,
            fmt,
            language,
            current_request_id(),
        )
        response = Response(body, mimetype=FORMATS[fmt])
        name = f"vitrine-decision-{prediction_id}.{fmt}"
        disposition = "attachment" if fmt == "pdf" else "inline"
        response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
        response.headers["Cache-Control"] = "private, no-store"  # as personal as the prediction
        return response
