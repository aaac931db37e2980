"""The OpenAPI 3.0 document, built from the pydantic models of every body and response.

OpenAPI 3.0 (not 3.1) because the Swagger UI shipped by `swagger-ui-bundle` renders 3.0; the
pydantic schemas (JSON Schema 2020-12) are rewritten into 3.0's dialect by `_to_openapi30`.

Each endpoint is described once here, next to nothing else; a test checks that every /api route
Flask serves is described and that every description names a real route.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from dashboard import __version__
from dashboard.api import schemas as s

JSON = "application/json"


@dataclass(frozen=True)
class Param:
    name: str
    where: str  # path | query
    schema: dict[str, Any]
    description: str
    required: bool = False
    example: Any = None


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # OpenAPI style: /products/{uniq_id}
    summary: str
    tag: str
    responses: dict[int, tuple[str, type[BaseModel] | None]]
    params: tuple[Param, ...] = ()
    body: type[BaseModel] | None = None
    multipart: bool = False
    produces: tuple[str, ...] = (JSON,)
    role: str | None = "viewer"  # who may call it when access control is on
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


PRODUCT_ID = Param(
    "uniq_id",
    "path",
    {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
    "The product's uniq_id.",
    required=True,
    example="c2d766ca982eca8304150849735ffef9",
)
BAD_REQUEST = ("Malformed input.", s.ErrorOut)
NOT_FOUND = ("Not found.", s.ErrorOut)
UNPROCESSABLE = ("Input that does not validate.", s.ErrorOut)
UNAVAILABLE = ("The database or the models are not available.", s.ErrorOut)
UNAUTHORISED = ("No valid session or token (when access control is on).", s.ErrorOut)
FORBIDDEN = ("The account's role does not allow this.", s.ErrorOut)

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "get",
        "/health",
        "Health of the service and its database",
        "operations",
        {200: ("Healthy.", s.HealthOut), 503: ("The database does not answer.", s.HealthOut)},
        role=None,
    ),
    Operation(
        "get",
        "/products/{uniq_id}",
        "A catalogue product",
        "catalogue",
        {200: ("The product.", s.ProductOut), 400: BAD_REQUEST, 404: NOT_FOUND},
        params=(PRODUCT_ID,),
    ),
    Operation(
        "get",
        "/products/{uniq_id}/image",
        "A product's photo",
        "catalogue",
        {
            200: ("The image bytes.", None),
            304: ("Not modified.", None),
            400: BAD_REQUEST,
            404: NOT_FOUND,
        },
        params=(PRODUCT_ID,),
        produces=("image/jpeg", "image/png", "image/webp"),
    ),
    Operation(
        "get",
        "/products/{uniq_id}/similar",
        "The k most similar catalogue products",
        "catalogue",
        {
            200: ("Nearest products by the fused embedding.", s.SimilarOut),
            400: BAD_REQUEST,
            404: NOT_FOUND,
            503: UNAVAILABLE,
        },
        params=(
            PRODUCT_ID,
            Param(
                "k",
                "query",
                {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
                "How many neighbours.",
                example=10,
            ),
        ),
    ),
    Operation(
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
            422: ("Unreadable image or text too long.", s.ErrorOut),
            429: ("Too many predictions from this client; retry later.", s.ErrorOut),
            503: UNAVAILABLE,
        },
        body=s.PredictJson,
        multipart=True,
        description="Send multipart/form-data with an `image` file (and optional `text`, "
        "`product_id`), or JSON with `image_base64`. Every answer writes one audit row; "
        "a refusal writes none.",
    ),
    Operation(
        "get",
        "/predictions/{prediction_id}/explanation",
        "SHAP explanation of a recorded prediction",
        "explanation",
        {
            200: ("Image and text attributions.", s.ExplanationOut),
            404: NOT_FOUND,
            422: UNPROCESSABLE,
            503: UNAVAILABLE,
        },
        params=(
            Param(
                "prediction_id",
                "path",
                {"type": "integer", "minimum": 1, "maximum": s.MAX_ID},
                "The prediction's number.",
                required=True,
                example=1,
            ),
            Param(
                "mode",
                "query",
                {"type": "string", "enum": ["cells", "pixels"], "default": "cells"},
                "Fast 7x7 cells or pixel-level.",
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
                "Budget of a pixel-level map.",
            ),
        ),
    ),
    Operation(
        "get",
        "/model/info",
        "The serving models and every version's test metrics",
        "models",
        {200: ("Models and metrics.", s.ModelInfoOut)},
    ),
    Operation(
        "post",
        "/model/activate",
        "Make a model version the active one for its name",
        "models",
        {200: ("The version now serves.", s.ActivatedOut), 404: NOT_FOUND, 422: UNPROCESSABLE},
        body=s.ActivateIn,
        role="admin",
    ),
    Operation(
        "get",
        "/audit/predictions",
        "The audit trail of predictions, filtered, as JSON pages or CSV",
        "audit",
        {
            200: ("A page of audit rows (or the CSV file with format=csv).", s.AuditPageOut),
            422: UNPROCESSABLE,
        },
        params=tuple(
            Param(name, "query", schema, text) for name, schema, text in s.AUDIT_QUERY_PARAMS
        ),
        produces=(JSON, "text/csv"),
        role="auditor",
    ),
    Operation(
        "get",
        "/audit/drift-report",
        "The latest (or a given) Evidently drift report",
        "audit",
        {
            200: ("The report's summary, or its HTML with format=html.", s.DriftReportOut),
            404: NOT_FOUND,
            422: UNPROCESSABLE,
        },
        params=(
            Param(
                "format",
                "query",
                {"type": "string", "enum": ["json", "html"]},
                "json (default) or html.",
            ),
            Param(
                "id",
                "query",
                {"type": "integer", "minimum": 1, "maximum": s.MAX_ID},
                "A report's id.",
            ),
        ),
        produces=(JSON, "text/html"),
        role="auditor",
    ),
    Operation(
        "get",
        "/analysis/bivariate",
        "How two product variables relate, overall and per category",
        "analysis",
        {200: ("Correlations, trend and points.", s.BivariateOut), 422: UNPROCESSABLE},
        params=(
            Param(
                "x",
                "query",
                {"type": "string", "enum": list(s.BIVARIATE_VARIABLES)},
                "First variable.",
                required=True,
                example="retail_price",
            ),
            Param(
                "y",
                "query",
                {"type": "string", "enum": list(s.BIVARIATE_VARIABLES)},
                "Second variable.",
                required=True,
                example="discounted_price",
            ),
            Param(
                "by",
                "query",
                {"type": "string", "enum": ["category", "none"]},
                "Group by category or not.",
            ),
        ),
    ),
)


def _to_openapi30(node: Any) -> Any:
    """anyOf [X, null] -> X + nullable; const -> enum; examples -> example."""
    if isinstance(node, list):
        return [_to_openapi30(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _to_openapi30(value) for key, value in node.items()}
    options = out.get("anyOf")
    if isinstance(options, list) and {"type": "null"} in options:
        rest = [o for o in options if o != {"type": "null"}]
        del out["anyOf"]
        if len(rest) == 1:
            out.update(rest[0])
        else:
            out["anyOf"] = rest
        out["nullable"] = True
    if "const" in out:
        out["enum"] = [out.pop("const")]
    if "examples" in out and isinstance(out["examples"], list):
        examples = out.pop("examples")
        if examples:
            out["example"] = examples[0]
    return out


def _schema_ref(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, str]:
    found = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in found.pop("$defs", {}).items():
        schemas[name] = definition
    schemas[model.__name__] = found
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _operation_id(op: Operation) -> str:
    words = op.path.strip("/").replace("{", "").replace("}", "").replace("/", "_")
    return f"{op.method}_{words}"


def _operation(op: Operation, schemas: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "summary": op.summary,
        "tags": [op.tag],
        "operationId": _operation_id(op),
        "responses": {},
    }
    if op.description:
        out["description"] = op.description
    if op.params:
        out["parameters"] = [
            {
                "name": p.name,
                "in": p.where,
                "required": p.required or p.where == "path",
                "description": p.description,
                "schema": p.schema,
                **({"example": p.example} if p.example is not None else {}),
            }
            for p in op.params
        ]
    if op.body is not None:
        content: dict[str, Any] = {JSON: {"schema": _schema_ref(op.body, schemas)}}
        if op.multipart:
            content["multipart/form-data"] = {"schema": _schema_ref(s.PredictMultipart, schemas)}
        out["requestBody"] = {"required": True, "content": content}
    responses = dict(op.responses)
    if op.role is not None:
        responses.setdefault(401, UNAUTHORISED)
        responses.setdefault(403, FORBIDDEN)
        out["security"] = [{"bearer": []}, {"session": []}]
        out["description"] = (
            out.get("description", "") + f" Role needed when access control is on: {op.role}."
        ).strip()
    for status, (text, model) in sorted(responses.items()):
        response: dict[str, Any] = {"description": text}
        if model is not None:
            media = JSON if status != 200 else op.produces[0]
            response["content"] = {media: {"schema": _schema_ref(model, schemas)}}
            if status == 200:
                for other in op.produces[1:]:
                    response["content"][other] = {"schema": {"type": "string"}}
        elif status == 200:
            response["content"] = {
                m: {"schema": {"type": "string", "format": "binary"}} for m in op.produces
            }
        out["responses"][str(status)] = response
    return out


def document() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        paths.setdefault(f"/api{op.path}", {})[op.method] = _operation(op, schemas)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Vitrine API",
            "version": __version__,
            "description": "Classify catalogue products, explain predictions, read the audit "
            'trail. Every error is JSON: {"error": {"code", "message", "details"}}.',
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": _to_openapi30(schemas),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token from `vitrine users token NAME`.",
                },
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }
