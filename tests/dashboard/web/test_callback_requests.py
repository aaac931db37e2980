"""Bodies posted to Dash's callback endpoint that are not a callback of this app get a 400 JSON
error, never a 500; real callbacks still run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dashboard.web.app import create_app
from tests.conftest import make_settings
from tests.dashboard.api.dash_routing import route_page

ROUTER = "..._pages_content.children..."


def _envelope(**overrides: Any) -> str:
    body = {
        "output": "predict-file-status.children",
        "outputs": {"id": "predict-file-status", "property": "children"},
        "inputs": [{"id": "predict-upload", "property": "contents", "value": None}],
        "changedPropIds": [],
    }
    body.update(overrides)
    return json.dumps(body)


BAD_BODIES = {
    "deeply nested list": "[" * 5000 + "]" * 5000,
    "deeply nested value": _envelope(inputs=[]).replace(
        '"inputs": []', '"inputs": ' + "[" * 3000 + "]" * 3000
    ),
    "a list": "[1, 2]",
    "a string": '"children"',
    "not JSON": "{output:",
    "no outputs": json.dumps({"output": "predict-file-status.children", "inputs": []}),
    "outputs as a nested object": _envelope(outputs={"id": {"a": {"b": 1}}, "property": "x"}),
    "inputs as an object": _envelope(inputs={"a": 1}),
    "an id nested in an id": _envelope(
        inputs=[{"id": {"type": {"nested": "x"}}, "property": "value", "value": 1}]
    ),
    "a property that is not a string": _envelope(
        inputs=[{"id": "predict-upload", "property": ["contents"], "value": 1}]
    ),
    "changedPropIds of objects": _envelope(changedPropIds=[{"a": 1}]),
    "a callback this app does not have": _envelope(output="nope.children"),
    "a router output with a made-up suffix": _envelope(output=ROUTER + "x"),
}


@pytest.mark.parametrize("auth", ["off", "required"])
@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=list(BAD_BODIES))
def test_a_malformed_callback_request_gets_a_400_json_error(
    tmp_path: Path, sqlite_url: str, auth: str, body: str
) -> None:
    from dashboard.web.resources import migrations_dir
    from db import migrations

    migrations.upgrade(sqlite_url, migrations_dir())
    client = create_app(make_settings(tmp_path, sqlite_url, auth=auth)).test_client()
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    # Signed out with access control on, the answer is "sign in" first; never a 500.
    assert response.status_code == (400 if auth == "off" else 401), response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] in {
        "invalid_callback",
        "unknown_callback",
        "unauthorised",
    }


def test_real_callbacks_still_run(client: Any) -> None:
    assert "Model comparison" in route_page(client, "/models")  # the page router's callback
    status = client.post(
        "/_dash-update-component", data=_envelope(), content_type="application/json"
    )
    assert status.status_code in (200, 204), status.get_data(as_text=True)  # a page's callback
