"""The API contract: the OpenAPI document, Swagger UI served locally, security headers, rate
limits, and one error shape everywhere."""

from __future__ import annotations

import io
import re
from typing import Any

from PIL import Image

from dashboard.api import create_routes
from dashboard.settings import Settings
from dashboard.web.app import create_app
from dashboard.web.auth import PUBLIC_API_RULES

# Routes that serve the documentation itself rather than being documented in it.
DOC_ROUTES = PUBLIC_API_RULES


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_every_api_route_is_documented_and_every_documented_path_exists(app: Any) -> None:
    document = app.test_client().get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.0")
    documented = {
        (method.upper(), path) for path, ops in document["paths"].items() for method in ops
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule in DOC_ROUTES:
            continue
        if rule.endpoint == "api.not_found":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((method, _openapi_path(rule.rule)))
    assert served == documented


def test_operations_have_examples_and_typed_responses(app: Any) -> None:
    document = app.test_client().get("/api/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert {"ErrorOut", "PredictionOut", "ProductOut", "ExplanationOut"} <= set(schemas)
    assert "example" in schemas["PredictionOut"]
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            assert op["summary"] and op["responses"], (method, path)
            for status, response in op["responses"].items():
                # /api/health's 503 is its own health body (with an error inside).
                if status.startswith(("4", "5")) and path != "/api/health":
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorOut"), (method, path, status)
    assert len(create_routes().operations) == sum(len(ops) for ops in document["paths"].values())


def test_swagger_ui_is_served_locally(app: Any) -> None:
    client = app.test_client()
    page = client.get("/api/docs").get_data(as_text=True)
    assert '<html lang="en">' in page
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/") or s.startswith("#") for s in sources)
    for source in sources:
        if source.startswith("/"):
            assert client.get(source).status_code == 200, source
    assert "/api/openapi.json" in client.get("/api/docs/init.js").get_data(as_text=True)
    assert client.get("/api/docs/static/../../etc/passwd").status_code == 404


def test_security_headers_on_pages_and_api(app: Any) -> None:
    client = app.test_client()
    for path in ("/", "/api/health", "/api/docs"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'self'" in policy
        script_src = policy.split("script-src")[1].split(";")[0]
        assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
        if path == "/":  # Dash's page: its inline renderer script is allowed by hash only
            assert "'sha256-" in script_src
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_predict_is_rate_limited_with_a_json_429(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"predict_rate_limit": "3/minute"}))
    client = app.test_client()
    statuses = [
        client.post("/api/predict", data={"image": (io.BytesIO(_png()), "p.png")}).status_code
        for _ in range(4)
    ]
    # No model is trained here: the first three are 503s, the fourth is refused before that.
    assert statuses == [503, 503, 503, 429]
    limited = client.post("/api/predict", data={"image": (io.BytesIO(_png()), "p.png")})
    assert limited.get_json()["error"]["code"] == "too_many_requests"
    assert "Retry-After" in limited.headers
    assert client.get("/api/health").status_code == 200  # other endpoints are not limited


def test_errors_share_one_shape_for_every_status(app: Any) -> None:
    client = app.test_client()
    cases = [
        client.get("/api/nope"),  # 404
        client.delete("/api/health"),  # 405
        client.post("/api/predict", data="x", content_type="text/plain"),  # 415
        client.post("/api/model/activate", json={"name": "fusion"}),  # 422
        client.get("/api/products/bad%20id"),  # 400
    ]
    assert [r.status_code for r in cases] == [404, 405, 415, 422, 400]
    for response in cases:
        body = response.get_json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
