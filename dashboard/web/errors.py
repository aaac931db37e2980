"""One JSON error shape for the API and the access check:
{"error": {"code", "message", "details"}}."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> tuple[Response, int]:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return jsonify(body), status
