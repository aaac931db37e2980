"""Predict: upload a product photo (and optionally its text) or pick a catalogue product, get
the category, how sure the model is, and the most similar catalogue products."""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

from dash import Dash, Input, Output, State, dcc, html

from dashboard.components.aria import aria
from dashboard.components.cards import notice
from dashboard.components.forms import field
from dashboard.components.ids import page_ids
from dashboard.components.product_search import product_search
from dashboard.components.products import product_cards
from dashboard.components.report_links import report_links
from dashboard.components.upload_zone import upload_field
from dashboard.figures.predict import probability_chart
from dashboard.services.prediction import (
    AuditUnavailable,
    MissingImage,
    ModelsNotReady,
    Recorded,
    TextRejected,
    predict_and_record,
    resolve_inputs,
)
from dashboard.services.products import InvalidProductId, UnknownProduct, latest_predictions
from dashboard.services.similarity import similar_to_upload
from dashboard.web.auth import requester, visible_owner
from dashboard.web.context import services
from dashboard.web.i18n import N_, _, category_label, decimal, percent, why
from dashboard.web.requestlog import current_request_id
from ml.doubt import review_sentence
from ml.images import ImageRejected
from ml.models.inputs import product_text

log = logging.getLogger(__name__)

PATH = "/predict"
ROLE: str | None = "viewer"
TITLE = N_("Predict a category · Vitrine")
DESCRIPTION = N_("Upload a product photo and text, or pick a catalogue product, and classify it.")
NAV_LABEL = N_("Predict")
ORDER = 10

ID = page_ids("predict")
UPLOAD = ID("upload")
FILE_STATUS = ID("file-status")
NAME = ID("name")
DESCRIPTION_ID = ID("description")
PRODUCT = ID("product-id")
SUBMIT = ID("submit")
STATUS = ID("status")
RESULT = ID("result")
SIMILAR_K = 6
# The callback writing RESULT predicts: it shares the API's per-caller budget, and a refusal
# is said in STATUS (dashboard.web.security).
METERED = {RESULT: ("predict", STATUS)}


def layout(product: str | None = None, q: str | None = None, **_query: str) -> html.Div:
    limit_mb = services().settings.max_upload_mb
    formats = services().settings.image_formats.replace(",", ", ")
    return html.Div(
        [
            html.H1(_("Predict a category")),
            html.P(
                _(
                    "Give a product photo, with its name and description if you have them; without "
                    "text, the image-only model answers. Or give the id of a catalogue product."
                )
            ),
            product_search(services(), PATH, q, only_by=visible_owner()),
            html.Section(
                className="predict-form",
                **aria(labelledby=ID("form-title")),
                children=[
                    html.H2(_("Product"), id=ID("form-title")),
                    upload_field(
                        UPLOAD,
                        _("Product photo"),
                        _(
                            "%(formats)s; up to %(limit_mb)s MB. Drop a file on the box, or focus "
                            "it and press Enter to choose one.",
                            formats=formats,
                            limit_mb=format(limit_mb, "g"),
                        ),
                        accept="image/jpeg,image/png,image/webp",
                        what=_("a photo"),
                        status_id=FILE_STATUS,
                    ),
                    field(
                        _("Product name (optional)"),
                        dcc.Input(
                            id=NAME,
                            type="text",
                            maxLength=500,
                            className="form-control",
                            debounce=True,
                        ),
                        NAME,
                    ),
                    field(
                        _("Description (optional)"),
                        dcc.Textarea(
                            id=DESCRIPTION_ID, maxLength=20000, className="form-control", rows=4
                        ),
                        DESCRIPTION_ID,
                    ),
                    field(
                        _("Or a catalogue product id (uses its photo and text)"),
                        dcc.Input(
                            id=PRODUCT,
                            type="text",
                            maxLength=64,
                            value=product or "",
                            className="form-control",
                            debounce=True,
                        ),
                        PRODUCT,
                    ),
                    html.Button(
                        _("Predict"), id=SUBMIT, type="button", className="btn btn-primary"
                    ),
                ],
            ),
            html.Div(id=STATUS, role="status", **aria(live="polite"), className="status"),
            html.Section(id=RESULT, **aria(label=_("Prediction result"))),
        ]
    )


def _decode_upload(contents: str) -> bytes:
    """The bytes of a dcc.Upload data URL ("data:<type>;base64,<payload>")."""
    try:
        _, payload = contents.split(",", 1)
        return base64.b64decode(payload, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise ImageRejected("unreadable", _("The file could not be read.")) from exc


def _refusal(message: str) -> tuple[Any, Any]:
    """Clear the result and announce why in the live status region."""
    return [], notice(_("Nothing was predicted"), message, kind="error")


def result_view(recorded: Recorded, similar: list) -> list[Any]:
    p = recorded.prediction
    children: list[Any] = [
        html.H2(_("Result")),
        # The photo as stored with the prediction: the analyst sees what was classified.
        html.Img(
            src=f"/api/predictions/{recorded.prediction_id}/photo?size=224",
            alt=_(
                "The photo of prediction #%(prediction_id)s",
                prediction_id=recorded.prediction_id,
            ),
            width=160,
            height=160,
            className="result__photo",
        ),
        html.P(
            [
                _("Category: "),
                html.Strong(category_label(p.category), className="result__category"),
            ],
            className="result__headline",
        ),
        html.Div(
            className="confidence",
            children=[
                html.Label(
                    _(
                        "Confidence: %(confidence)s",
                        confidence=percent(p.confidence, 1),
                    ),
                    htmlFor=ID("confidence"),
                    className="confidence__label",
                ),
                html.Meter(
                    id=ID("confidence"),
                    value=f"{p.confidence:.4f}",
                    min="0",
                    max="1",
                    low="0.6",
                    high="0.85",
                    optimum="1",
                    className="confidence__meter",
                ),
            ],
        ),
        html.P(
            _(
                "Model: %(model)s v%(version)s · prediction #%(prediction_id)s · %(latency_ms)s ms",
                model=p.model,
                version=p.version,
                prediction_id=recorded.prediction_id,
                latency_ms=decimal(p.latency_ms, 0),
            ),
            className="result__meta",
        ),
    ]
    children.append(
        html.P(
            html.A(
                _("Explain this prediction (SHAP)"),
                href=f"/explain?prediction={recorded.prediction_id}",
            )
        )
    )
    children.append(report_links(recorded.prediction_id))
    if p.fallback:
        children.append(
            notice(
                _("Image-only fallback"),
                _(
                    "No text was given, so the image-only model (%(model)s) answered. Add "
                    "the product name or description for the more accurate fusion model.",
                    model=p.model,
                ),
                kind="warning",
            )
        )
    if p.needs_review:
        children.append(
            notice(
                _("Needs review"),
                review_sentence(p.category, p.prediction_set, p.review_reasons, _)
                + _(" A person should check this one."),
                kind="warning",
            )
        )
    children.append(probability_chart(recorded))
    children.append(html.H2(_("Similar catalogue products")))
    children.append(
        product_cards(similar, compare_to=p.category, predictions=_explainable(similar))
        if similar
        else html.P(_("The catalogue is empty, so there is nothing to compare with."))
    )
    return children


def register_callbacks(app: Dash) -> None:
    @app.callback(
        Output(FILE_STATUS, "children"), Input(UPLOAD, "filename"), prevent_initial_call=True
    )
    def show_file(filename: str | None) -> str:
        return (
            _(
                "Selected: %(filename)s",
                filename=filename,
            )
            if filename
            else ""
        )

    @app.callback(
        Output(RESULT, "children"),
        Output(STATUS, "children"),
        Input(SUBMIT, "n_clicks"),
        State(UPLOAD, "contents"),
        State(NAME, "value"),
        State(DESCRIPTION_ID, "value"),
        State(PRODUCT, "value"),
        prevent_initial_call=True,
    )
    def run(
        _clicks: int | None,
        contents: str | None,
        name: str | None,
        description: str | None,
        product_id: str | None,
    ) -> tuple[Any, Any]:
        svc = services()
        try:
            inputs = resolve_inputs(
                svc,
                _decode_upload(contents) if contents else None,
                product_text(name, description),
                product_id,
            )
            recorded = predict_and_record(
                svc,
                inputs.image,
                inputs.text,
                source="ui",
                request_id=current_request_id(),
                product_id=inputs.product_id,
                by=requester(),
            )
        except (InvalidProductId, UnknownProduct, MissingImage) as exc:
            return _refusal(why(exc))
        except ImageRejected as exc:
            return _refusal(
                _(
                    "The photo was refused: %(exc)s",
                    exc=why(exc),
                )
            )
        except TextRejected as exc:
            return _refusal(
                _(
                    "The text was refused: %(exc)s.",
                    exc=why(exc),
                )
            )
        except (ModelsNotReady, AuditUnavailable) as exc:
            return _refusal(
                _(
                    "Vitrine cannot predict right now: %(exc)s.",
                    exc=why(exc),
                )
            )
        similar = similar_to_upload(
            svc,
            recorded.prediction.embedding,
            inputs.text,
            recorded.prediction.category,
            SIMILAR_K,
            exclude=inputs.product_id,
        )
        p = recorded.prediction
        status = _(
            "Predicted %(category)s with %(confidence)s confidence%(value)s",
            category=category_label(p.category),
            confidence=percent(p.confidence, 0),
            value=" (image-only fallback)" if p.fallback else "",
        ) + (
            f"; {review_sentence(p.category, p.prediction_set, p.review_reasons, _)}"
            if p.needs_review
            else "."
        )
        return result_view(recorded, similar), status


def _explainable(products: list) -> dict[str, int]:
    """The newest prediction of each card's product the current user may open."""
    ids = [item.product.uniq_id for item in products]
    return latest_predictions(services(), ids, only_by=visible_owner())
