"""Dash callback requests checked before Dash sees them: a body that is not a callback this app
registered, in the shape Dash's renderer sends, gets a 400 JSON error instead of a 500."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, g, jsonify, request
from pydantic import BaseModel, ConfigDict, ValidationError

from dashboard.web.errors import error_response

CALLBACK_PATH = "/_dash-update-component"
_UNPARSED = object()

Scalar = str | int | float | bool


class _Prop(BaseModel):
    """One component property: its id (a string, or a dict for pattern-matching ids)."""

    model_config = ConfigDict(extra="allow")
    id: str | dict[str, Scalar]
    property: str


class _CallbackRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    output: str
    outputs: _Prop | list[_Prop | list[_Prop]]
    inputs: list[_Prop | list[_Prop]]
    state: list[_Prop | list[_Prop]] = []
    changedPropIds: list[str]  # Dash's own name


def callback_body() -> Any:
    """The request's JSON, parsed once; None when it is not JSON (or nested too deep to parse)."""
    body = g.get("callback_body", _UNPARSED)
    if body is _UNPARSED:
        try:
            body = request.get_json(silent=True)
        except RecursionError:
            body = None
        g.callback_body = body
    return body


def output_ids(body: Any) -> set[str]:
    """The component ids a callback request writes to (pattern-matching ids as sorted JSON)."""
    outputs = body.get("outputs") if isinstance(body, dict) else None
    items = outputs if isinstance(outputs, list) else [outputs]
    ids: set[str] = set()
    for item in items:
        for part in item if isinstance(item, list) else [item]:
            if isinstance(part, dict):
                ident = part.get("id")
                key = json.dumps(ident, sort_keys=True) if isinstance(ident, dict) else ident
                ids.add(str(key))
    return ids


def said_in_status(status_id: str, message: str) -> Response:
    """A callback answer that only writes `message` into the page's status line: Dash's
    renderer shows a 200 answer, and nothing at all of an error status."""
    return jsonify({"multi": True, "response": {status_id: {"children": message}}})


def install(server: Flask) -> None:
    """Call after Dash is set up on `server`: the check then runs once Dash has registered every
    callback (Dash Pages adds its own on the first request)."""

    @server.before_request
    def _check_callback_request() -> Any:
        if request.path != CALLBACK_PATH or request.method != "POST":
            return None
        body = callback_body()
        if not isinstance(body, dict):
            return error_response(400, "invalid_callback", "The body is not a callback request.")
        try:
            parsed = _CallbackRequest.model_validate(body)
        except (ValidationError, RecursionError):
            return error_response(400, "invalid_callback", "The body is not a callback request.")
        if parsed.output not in server.extensions["dash"].callback_map:
            return error_response(400, "unknown_callback", "No such callback in this app.")
        return None
