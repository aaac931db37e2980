"""Distributed batch jobs over the API: upload a catalogue CSV and a ZIP of its images, follow
the job, download its results, cancel it. The work runs on the Celery workers (or, without
Redis, on the web process's batch thread), never on the request."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request, send_file

from dashboard.api import schemas as s
from dashboard.api.errors import ApiError
from dashboard.api.openapi import BAD_REQUEST, NOT_FOUND, UNAVAILABLE, Operation, Param
from dashboard.api.routes import Routes
from dashboard.services.batch_jobs import (
    BatchRefused,
    JobStatus,
    TooManyProducts,
    UnknownJob,
    cancel_job,
    job_status,
    job_statuses,
    results_file,
)
from dashboard.services.batch_uploads import UploadRefused
from dashboard.web.auth import visible_owner
from dashboard.web.batch_tasks import NoWorker, submit_upload
from dashboard.web.context import services

JOB_ID = Param(
    "job_id",
    "path",
    {"type": "string", "pattern": "^[0-9a-f]{32}$"},
    "The job's id.",
    required=True,
    example="3f1c0b7e9a8d4c2b3f1c0b7e9a8d4c2b",
)

LIST_JOBS = Operation(
    "get",
    "/batch-jobs",
    "Batch jobs, newest first (a viewer's own; every job for auditors and admins)",
    "batch",
    {200: ("The jobs with their progress.", s.BatchJobsOut)},
)
SUBMIT_JOB = Operation(
    "post",
    "/batch-jobs",
    "Score a catalogue CSV and a ZIP of its images as a batch job",
    "batch",
    {
        202: ("The job, started; follow it at its address (Location).", s.BatchJobOut),
        400: BAD_REQUEST,
        403: ("More products than the role may score in one job.", s.ErrorOut),
        413: ("The upload is larger than VITRINE_BATCH_UPLOAD_MB.", s.ErrorOut),
        422: ("Not a usable CSV or ZIP archive (the reason is said).", s.ErrorOut),
        503: UNAVAILABLE,
    },
    multipart=s.BatchJobMultipart,
    description="Send multipart/form-data with `catalogue` (the CSV) and `images` (a ZIP of "
    "the files its image column names). Archives with links, paths outside the archive, "
    "members over the image size limit or expanding like a zip bomb are refused.",
)
GET_JOB = Operation(
    "get",
    "/batch-jobs/{job_id}",
    "A batch job's state and progress",
    "batch",
    {200: ("The job.", s.BatchJobOut), 404: NOT_FOUND},
    params=(JOB_ID,),
)
JOB_RESULTS = Operation(
    "get",
    "/batch-jobs/{job_id}/results",
    "A finished batch job's predictions as CSV, in the input's order",
    "batch",
    {
        200: ("uniq_id, predicted_category, confidence, fallback, needs_review, model, "
              "model_version, p_<category>..., error.", None),
        404: NOT_FOUND,
        409: ("The job is not finished.", s.ErrorOut),
    },
    params=(JOB_ID,),
    produces=("text/csv",),
)  # fmt: skip
CANCEL_JOB = Operation(
    "post",
    "/batch-jobs/{job_id}/cancel",
    "Cancel a batch job: chunks not started score nothing; what was scored stays recorded",
    "batch",
    {200: ("The job, cancelled, with how many products were scored.", s.BatchJobOut),
     404: NOT_FOUND},
    params=(JOB_ID,),
)  # fmt: skip


def job_dict(status: JobStatus) -> dict[str, object]:
    return {
        "id": status.id,
        "state": status.state,
        "source_name": status.source_name,
        "created_at": status.created_at.isoformat(),
        "username": status.username,
        "total": status.total,
        "done": status.done,
        "scored": status.scored,
        "refused": status.refused,
        "chunks": status.chunks,
        "chunks_done": status.chunks_done,
        "failures": status.failures,
        "results_url": f"/api/batch-jobs/{status.id}/results" if status.finished else None,
    }


def _status(job_id: str) -> JobStatus:
    try:
        return job_status(services(), job_id, only_by=visible_owner())
    except UnknownJob as exc:
        raise ApiError(404, "not_found", str(exc)) from exc


def _upload(name: str) -> bytes:
    upload = request.files.get(name)
    if upload is None:
        raise ApiError(400, "missing_file", f"Send the `{name}` file (multipart/form-data).")
    return upload.read()


def register(routes: Routes) -> None:
    @routes.operation(LIST_JOBS)
    def list_batch_jobs() -> Response:
        found = job_statuses(services(), only_by=visible_owner())
        return jsonify({"items": [job_dict(j) for j in found]})

    @routes.operation(SUBMIT_JOB)
    def submit_batch_job() -> Response:
        settings = services().settings
        # A ZIP of images is far larger than one photo: this request alone may be.
        request.max_content_length = int(settings.batch_upload_mb * 1024 * 1024 * 1.05)
        if request.mimetype != "multipart/form-data":
            raise ApiError(415, "unsupported_media_type", "Send multipart/form-data.")
        catalogue = _upload("catalogue")
        name = (request.files["catalogue"].filename or "catalogue.csv")[:255]
        try:
            job_id = submit_upload(current_app, catalogue, _upload("images"), name)
        except TooManyProducts as exc:
            raise ApiError(403, "too_many_products", str(exc)) from exc
        except (BatchRefused, UploadRefused) as exc:
            raise ApiError(422, "invalid_upload", str(exc)) from exc
        except NoWorker as exc:
            raise ApiError(503, "no_worker", str(exc)) from exc
        response = jsonify(job_dict(job_status(services(), job_id)))
        response.status_code = 202
        response.headers["Location"] = f"/api/batch-jobs/{job_id}"
        return response

    @routes.operation(GET_JOB)
    def get_batch_job(job_id: str) -> Response:
        return jsonify(job_dict(_status(job_id)))

    @routes.operation(JOB_RESULTS)
    def batch_job_results(job_id: str) -> Response:
        status = _status(job_id)
        try:
            path = results_file(services(), status.id)
        except ValueError as exc:
            raise ApiError(409, "not_finished", f"The job is not finished: {exc}.") from exc
        return send_file(
            path,
            mimetype="text/csv",
            as_attachment=True,
            download_name=f"batch-{job_id}.csv",
            max_age=0,
        )

    @routes.operation(CANCEL_JOB)
    def cancel_batch_job(job_id: str) -> Response:
        status = _status(job_id)
        return jsonify(job_dict(cancel_job(services(), status.id)))
