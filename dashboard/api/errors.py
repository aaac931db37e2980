"""One JSON error shape for the whole API: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from flask import Blueprint, Response, request
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from dashboard.web.errors import error_response

log = logging.getLogger(__name__)


class ApiError(Exception):
    """Raised by a handler to answer with a JSON error and a status."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


Body = TypeVar("Body", bound=BaseModel)


def parse_body(model: type[Body]) -> Body:
    """The JSON body as `model`, or 415 (not JSON), 400 (malformed) or 422 (invalid)."""
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send application/json.")
    try:
        raw = request.get_json(silent=False)
    except Exception as exc:  # werkzeug raises BadRequest for malformed JSON
        raise ApiError(400, "invalid_json", "The body is not valid JSON.") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise invalid(exc, "invalid_body", "The JSON body does not match the schema.") from exc


def invalid(exc: ValidationError, code: str, message: str) -> ApiError:
    """A 422 listing what pydantic found wrong, without echoing the input back."""
    details = exc.errors(include_url=False, include_input=False, include_context=False)
    return ApiError(422, code, message, {"errors": details})


def http_error_response(exc: HTTPException) -> tuple[Response, int]:
    status = exc.code or 500
    code = (exc.name or "error").lower().replace(" ", "_")
    return error_response(status, code, exc.description or exc.name or "error")


def install(api: Blueprint) -> None:
    @api.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> tuple[Response, int]:
        return error_response(exc.status, exc.code, exc.message, exc.details)

    api.register_error_handler(HTTPException, http_error_response)

    @api.errorhandler(SQLAlchemyError)
    def _database_down(exc: SQLAlchemyError) -> tuple[Response, int]:
        # An outage is the operator's to fix and the client's to retry, never a 500.
        log.warning("database error: %s", exc.__class__.__name__)
        return error_response(
            503,
            "database_unavailable",
            "The database does not answer; nothing was recorded. Retry shortly.",
            {"component": "database"},
        )

    @api.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[Response, int]:
        # Logged with its traceback for the operator; the client never sees it.
        log.exception("unhandled API error")
        return error_response(500, "internal_error", "The server failed to answer this request.")
