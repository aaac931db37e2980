"""POST /api/predict: multipart (image file) or JSON (base64 image); one audit row per answer."""

from __future__ import annotations

import base64
import binascii

from flask import Response, jsonify, request
from pydantic import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from dashboard.api import schemas as s
from dashboard.api.errors import ApiError, invalid
from dashboard.api.openapi import BAD_REQUEST, UNAVAILABLE, Operation
from dashboard.api.products import product_error
from dashboard.api.routes import Routes
from dashboard.api.schemas import PredictionOut, PredictJson
from dashboard.services.prediction import (
    AuditUnavailable,
    MissingImage,
    ModelsNotReady,
    TextRejected,
    predict_and_record,
    resolve_inputs,
)
from dashboard.services.products import InvalidProductId, UnknownProduct
from dashboard.web.auth import requester
from dashboard.web.context import services
from dashboard.web.requestlog import current_request_id
from ml.doubt import review_sentence
from ml.images import DECLARED_FORMATS, ImageRejected, sniff_format

# Why an image was refused -> HTTP status.
REJECTION_STATUS = {
    "empty": 400,
    "too_large": 413,
    "too_many_pixels": 413,
    "unsupported_format": 415,
    "multi_frame": 415,
    "unreadable": 422,
    "bad_metadata": 422,
    "bad_shape": 422,
}


def _check_declared_type(declared: str, data: bytes) -> None:
    """A file that says it is one image type and is another (or none) is refused as hostile.

    Generic types (application/octet-stream, none) leave the decision to the bytes alone.
    """
    if not declared.startswith("image/"):
        return
    expected = DECLARED_FORMATS.get(declared)
    actual = sniff_format(data)
    # An image type Vitrine does not take (GIF, SVG) is left to the format check, unless the
    # bytes are in fact an accepted format under a false name.
    lying = actual in DECLARED_FORMATS.values() if expected is None else actual != expected
    if lying:
        raise ApiError(
            415,
            "image_type_mismatch",
            f"The file is declared as {declared[:40]} but its content is "
            f"{actual or 'not a recognised image'}; send JPEG, PNG or WebP as what they are.",
            {"declared": declared[:40], "detected": actual},
        )


def _inputs() -> tuple[bytes | None, str | None, str | None]:
    if request.mimetype == "application/json":
        try:
            body = PredictJson.model_validate(request.get_json(silent=False) or {})
        except ValidationError as exc:
            raise invalid(exc, "invalid_body", "The JSON body does not match the schema.") from exc
        except RequestEntityTooLarge:  # a body over the size limit is 413, not bad JSON
            raise
        except Exception as exc:  # malformed JSON
            raise ApiError(400, "invalid_json", "The body is not valid JSON.") from exc
        image = None
        if body.image_base64:
            try:
                image = base64.b64decode(body.image_base64, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ApiError(400, "invalid_base64", "image_base64 is not valid base64.") from exc
        return image, body.text, body.product_id
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        upload = request.files.get("image")
        data = upload.read() if upload else None
        # Too large is said first: no point sniffing what will be refused anyway.
        if upload is not None and data and len(data) <= services().settings.max_upload_bytes:
            _check_declared_type(upload.mimetype, data)
        return (
            data,
            request.form.get("text"),
            request.form.get("product_id") or None,
        )
    raise ApiError(
        415,
        "unsupported_media_type",
        "Send multipart/form-data (image file) or application/json (image_base64).",
    )


PREDICT = Operation(
    "post",
    "/predict",
    "Predict the category of a product photo (and its text)",
    "prediction",
    {
        200: ("The prediction, recorded in the audit trail.", s.PredictionOut),
        400: BAD_REQUEST,
        404: ("Unknown product_id.", s.ErrorOut),
        413: ("The image is too large (bytes or pixels).", s.ErrorOut),
        415: ("Not an accepted image type, or the wrong media type.", s.ErrorOut),
        422: ("Unreadable image, or text too long or with control characters.", s.ErrorOut),
        429: ("Too many predictions from this client; retry later.", s.ErrorOut),
        503: UNAVAILABLE,
    },
    body=s.PredictJson,
    multipart=True,
    description="Send multipart/form-data with an `image` file (and optional `text`, "
    "`product_id`), or JSON with `image_base64`. Every answer writes one audit row; "
    "a refusal writes none.",
)


def register(routes: Routes) -> None:
    @routes.operation(PREDICT)
    def predict() -> tuple[Response, int]:
        image, text, product_id = _inputs()
        svc = services()
        try:
            inputs = resolve_inputs(svc, image, text, product_id)
        except (InvalidProductId, UnknownProduct) as exc:
            raise product_error(exc, (product_id or "").strip()) from exc
        except MissingImage as exc:
            raise ApiError(
                400,
                "missing_image",
                "Send an image (multipart field `image` or JSON `image_base64`) "
                "or the product_id of a catalogue product.",
            ) from exc
        try:
            recorded = predict_and_record(
                svc,
                inputs.image,
                inputs.text,
                source="api",
                request_id=current_request_id(),
                product_id=inputs.product_id,
                by=requester(),
            )
        except ImageRejected as exc:
            raise ApiError(
                REJECTION_STATUS.get(exc.code, 422), f"image_{exc.code}", str(exc)
            ) from exc
        except TextRejected as exc:
            raise ApiError(422, f"text_{exc.code}", str(exc)) from exc
        except ModelsNotReady as exc:
            raise ApiError(503, "models_not_ready", str(exc)) from exc
        except AuditUnavailable as exc:
            raise ApiError(503, "audit_unavailable", str(exc), {"component": "database"}) from exc
        p = recorded.prediction
        body = PredictionOut(
            prediction_id=recorded.prediction_id,
            category=p.category,
            confidence=p.confidence,
            probabilities=p.probabilities,
            model=p.model,
            model_version=p.version,
            fallback=p.fallback,
            needs_review=p.needs_review,
            prediction_set=list(p.prediction_set),
            review_reasons=list(p.review_reasons),
            review=review_sentence(p.category, p.prediction_set, p.review_reasons),
            latency_ms=round(p.latency_ms, 3),
            request_id=recorded.request_id,
        )
        return jsonify(body.model_dump()), 200
