"""The OpenAPI 3.0 document, built from the pydantic models of every body and response.

OpenAPI 3.0 (not 3.1) because the Swagger UI shipped by `swagger-ui-bundle` renders 3.0; the
pydantic schemas (JSON Schema 2020-12) are rewritten into 3.0's dialect by `_to_openapi30`.

Each route declares its Operation next to its handler (`dashboard.api.routes`); the document is
collected from them, and a test checks that every /api route Flask serves is described.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    # A multipart/form-data body too: True for the predict form, or the model of another form.
    multipart: bool | type[BaseModel] = False
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
    if op.body is not None or op.multipart:
        content: dict[str, Any] = {}
        if op.body is not None:
            content[JSON] = {"schema": _schema_ref(op.body, schemas)}
        if op.multipart:
            form = s.PredictMultipart if op.multipart is True else op.multipart
            content["multipart/form-data"] = {"schema": _schema_ref(form, schemas)}
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


def document(operations: Iterable[Operation]) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for op in operations:
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
