"""GET /api/audit/predictions: the filtered audit trail as paged JSON or streamed CSV."""

from __future__ import annotations

from flask import Response, jsonify, request, stream_with_context
from pydantic import ValidationError

from dashboard.api import schemas as s
from dashboard.api.errors import ApiError, invalid
from dashboard.api.openapi import JSON, NOT_FOUND, UNPROCESSABLE, Operation, Param
from dashboard.api.routes import Routes
from dashboard.api.schemas import MAX_ID
from dashboard.services.audit import AuditQuery, audit_page, export_csv, row_dict
from dashboard.web.context import services
from dashboard.web.security import REPORT_POLICY


def parse_query() -> AuditQuery:
    try:
        return AuditQuery.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise invalid(exc, "invalid_query", "The query parameters are not valid.") from exc


AUDIT_PREDICTIONS = Operation(
    "get",
    "/audit/predictions",
    "The audit trail of predictions, filtered, as JSON pages or CSV",
    "audit",
    {
        200: ("A page of audit rows (or the CSV file with format=csv).", s.AuditPageOut),
        422: UNPROCESSABLE,
    },
    params=tuple(Param(name, "query", schema, text) for name, schema, text in s.AUDIT_QUERY_PARAMS),
    produces=(JSON, "text/csv"),
    role="auditor",
)


def register(routes: Routes) -> None:
    @routes.operation(AUDIT_PREDICTIONS)
    def audit_predictions() -> Response:
        query = parse_query()
        if query.format == "csv":

            def generate():
                with services().sessions() as session:
                    yield from export_csv(session, query)

            response = Response(stream_with_context(generate()), mimetype="text/csv")
            response.headers["Content-Disposition"] = 'attachment; filename="predictions.csv"'
            return response
        found = audit_page(services(), query)
        total = found.total
        items = [
            row_dict(row, found.reviews.get(row.id), found.shadows.get(row.id))
            for row in found.rows
        ]
        return jsonify(
            {
                "total": total,
                "page": query.page,
                "page_size": query.page_size,
                "pages": max(1, -(-total // query.page_size)),
                "items": items,
            }
        )

    _register_drift(routes)


def drift_body(report) -> dict:
    return {
        "id": report.id,
        "created_at": report.created_at.isoformat() if report.created_at else None,
        "window_start": report.window_start.isoformat() if report.window_start else None,
        "window_end": report.window_end.isoformat() if report.window_end else None,
        "reference_size": report.reference_size,
        "current_size": report.current_size,
        "share_drifted": report.share_drifted,
        "dataset_drift": report.dataset_drift,
        "summary": report.summary,
        "html_url": f"/api/audit/drift-report?format=html&id={report.id}",
    }


DRIFT_REPORT = Operation(
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
)


def _register_drift(routes: Routes) -> None:
    @routes.operation(DRIFT_REPORT)
    def drift_report() -> Response:
        from pathlib import Path

        from flask import send_file

        from db.models import DriftReport
        from db.repo_drift import latest_drift_report

        fmt = request.args.get("format", "json")
        if fmt not in ("json", "html"):
            raise ApiError(422, "invalid_query", "format is json or html.")
        raw_id = request.args.get("id")
        if raw_id is not None and not (raw_id.isdigit() and 1 <= int(raw_id) <= MAX_ID):
            raise ApiError(422, "invalid_query", f"id is a whole number from 1 to {MAX_ID}.")
        with services().sessions() as session:
            report = (
                session.get(DriftReport, int(raw_id)) if raw_id else latest_drift_report(session)
            )
            if report is None:
                raise ApiError(
                    404,
                    "no_drift_report",
                    "No drift report yet: run `vitrine drift` (it needs at least 30 predictions).",
                )
            body = drift_body(report)
            html_path = report.html_path
        if fmt == "json":
            return jsonify(body)
        if not html_path or not Path(html_path).is_file():
            raise ApiError(404, "drift_html_missing", "This report's HTML file is missing.")
        response = send_file(html_path, mimetype="text/html", max_age=3600)
        # Evidently's report is served for the drift page's iframe on this same site only.
        response.headers["Content-Security-Policy"] = REPORT_POLICY
        return response
