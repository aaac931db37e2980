"""Batch scoring: upload a Flipkart-format CSV and a ZIP of its images, then follow the job,
download its results and cancel it. The chunks run on the Celery workers when Redis is set,
else on the web process's batch thread: never on the request. POST /api/batch-jobs does the
same for machines, and `vitrine predict --distributed` from a shell."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate
from flask import current_app

from dashboard.components.aria import aria
from dashboard.components.cards import notice
from dashboard.components.ids import page_ids
from dashboard.components.tables import table_region
from dashboard.components.upload_zone import upload_field
from dashboard.services.batch_jobs import (
    BatchRefused,
    JobStatus,
    TooManyProducts,
    UnknownJob,
    cancel_job,
    job_status,
    job_statuses,
)
from dashboard.services.batch_uploads import UploadRefused
from dashboard.web.auth import allowed, visible_owner
from dashboard.web.batch_tasks import LARGE_JOB_ROLE, NoWorker, submit_upload
from dashboard.web.context import services
from dashboard.web.i18n import N_, _, number, percent, when, why

PATH = "/batch"
ROLE: str | None = "viewer"
TITLE = N_("Batch scoring · Vitrine")
DESCRIPTION = N_("Score a whole catalogue CSV with its images, follow the job, download results.")
NAV_LABEL = N_("Batch")
ORDER = 58
POLL_MS = 2000
ID = page_ids("batch")
CSV_UPLOAD = ID("csv")
ZIP_UPLOAD = ID("zip")
CSV_STATUS = ID("csv-status")
ZIP_STATUS = ID("zip-status")
SUBMIT = ID("submit")
MESSAGE = ID("message")
JOBS = ID("jobs")
PROGRESS = ID("progress")
POLL = ID("poll")
CANCEL = ID("cancel")
STATES = {
    "running": N_("Running"),
    "done": N_("Done"),
    "cancelled": N_("Cancelled"),
    "failed": N_("Failed"),
}


def layout(**_query: str) -> html.Div:
    settings = services().settings
    found = job_statuses(services(), only_by=visible_owner())
    limit = (
        _("any number of")
        if allowed(LARGE_JOB_ROLE)
        else _(
            "up to %(batch_viewer_max)s",
            batch_viewer_max=number(settings.batch_viewer_max),
        )
    )
    return html.Div(
        [
            html.H1(_("Batch scoring")),
            html.P(
                _(
                    "Score %(limit)s products at once: a CSV in the Flipkart format "
                    "(uniq_id and image columns at least; product_name and description are "
                    "read when present) and a ZIP archive of the images it names. Every "
                    "product gets its audit row, as on the Predict page; the results come "
                    "as a CSV in the input's order.",
                    limit=limit,
                )
            ),
            html.Section(
                className="predict-form",
                **aria(labelledby=ID("form-title")),
                children=[
                    html.H2(_("New job"), id=ID("form-title")),
                    upload_field(
                        CSV_UPLOAD,
                        _("Catalogue CSV"),
                        _("The products to score, one per row."),
                        accept=".csv,text/csv",
                        what=_("the CSV"),
                        status_id=CSV_STATUS,
                    ),
                    upload_field(
                        ZIP_UPLOAD,
                        _("Images (ZIP archive)"),
                        _(
                            "The files the CSV's image column names; up to %(batch_page_mb)s MB "
                            "with the CSV from this page (larger catalogues: the API or `vitrine "
                            "predict --distributed`).",
                            batch_page_mb=format(settings.batch_page_mb, "g"),
                        ),
                        accept=".zip,application/zip",
                        what=_("the ZIP archive"),
                        status_id=ZIP_STATUS,
                    ),
                    html.Button(
                        _("Start scoring"), id=SUBMIT, type="button", className="btn btn-primary"
                    ),
                    html.Div(id=MESSAGE, **aria(live="polite")),
                ],
            ),
            html.H2(_("Jobs"), id=ID("jobs-title")),
            html.P(_summary(found), id=PROGRESS, role="status"),
            html.Div(_jobs(found), id=JOBS),
            dcc.Interval(id=POLL, interval=POLL_MS, disabled=not _running(found)),
        ]
    )


def _running(found: list[JobStatus]) -> bool:
    return any(j.state == "running" for j in found)


def _summary(found: list[JobStatus]) -> str:
    """What a screen reader hears as jobs move: said again only when it changes."""
    running = [j for j in found if j.state == "running"]
    if not found:
        return _("No batch job yet.")
    if not running:
        return _(
            "%(count)s jobs, none running.",
            count=len(found),
        )
    done = sum(j.done for j in running)
    total = sum(j.total for j in running)
    return _(
        "%(count)s running: %(done)s of %(total)s products done.",
        count=len(running),
        done=number(done),
        total=number(total),
    )


def _progress(job: JobStatus) -> html.Div:
    share = job.done / job.total if job.total else 0.0
    said = _(
        "%(done)s of %(total)s (%(share)s)",
        done=number(job.done),
        total=number(job.total),
        share=percent(share, 0),
    )
    if job.refused:
        said += _(
            ", %(refused)s refused",
            refused=number(job.refused),
        )
    return html.Div(
        [
            html.Progress(value=str(job.done), max=str(job.total), **aria(hidden="true")),
            html.Span(said),
        ],
        className="batch-progress",
    )


def _actions(job: JobStatus) -> list[Any]:
    out: list[Any] = []
    if job.finished and job.state != "cancelled":
        out.append(
            html.A(
                _("Download results (CSV)"),
                href=f"/api/batch-jobs/{job.id}/results",
                **aria(
                    label=_(
                        "Download results (CSV) of %(source_name)s",
                        source_name=job.source_name,
                    )
                ),
            )
        )
    if job.state == "running":
        out.append(
            html.Button(
                _("Cancel"),
                id={"type": CANCEL, "job": job.id},
                type="button",
                className="btn btn-outline-secondary btn-sm",
                **aria(
                    label=_(
                        "Cancel the job %(source_name)s",
                        source_name=job.source_name,
                    )
                ),
            )
        )
    return out or ["—"]


def _jobs(found: list[JobStatus]) -> list[Any]:
    if not found:
        return [html.P(_("Jobs you start appear here, with their progress."))]
    rows = [
        html.Tr(
            [
                html.Th(
                    [
                        job.source_name,
                        html.Br(),
                        html.Small(
                            _(
                                "job %(id)s",
                                id=job.id[:8],
                            )
                        ),
                    ],
                    scope="row",
                    className="batch-jobs__name",
                ),
                html.Td(when(job.created_at)),
                html.Td(_(STATES.get(job.state, job.state))),
                html.Td(_progress(job)),
                html.Td(_actions(job)),
            ]
        )
        for job in found
    ]
    head = [html.Th(name, scope="col") for name in (_("Catalogue"), _("Started"), _("State"),
                                                     _("Products done"), _("Results"))]  # fmt: skip
    failures = [
        notice(
            _(
                "Some chunks of %(source_name)s failed",
                source_name=job.source_name,
            ),
            "; ".join(job.failures),
            kind="error",
        )
        for job in found
        if job.failures
    ]
    return [table_region(_("Batch jobs, newest first"), head, rows), *failures]


def _decode(contents: str | None) -> bytes | None:
    if not contents or "," not in contents:
        return None
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None


def submit(csv_contents: str | None, csv_name: str | None, zip_contents: str | None) -> Any:
    """Start a job from the two uploads; the message to show."""
    catalogue, archive = _decode(csv_contents), _decode(zip_contents)
    if catalogue is None or archive is None:
        return notice(
            _("Both files are needed"), _("Choose the catalogue CSV and the ZIP of its images."),
            kind="error",
        )  # fmt: skip
    svc = services()
    server = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        job_id = submit_upload(server, catalogue, archive, csv_name or "catalogue.csv")
    except TooManyProducts as exc:
        return notice(_("Too many products for your role"), why(exc), kind="error")
    except (BatchRefused, UploadRefused) as exc:
        return notice(_("These files cannot be scored"), why(exc), kind="error")
    except NoWorker as exc:
        return notice(_("No worker to score it"), why(exc), kind="error")
    status = job_status(svc, job_id)
    return html.P(
        _(
            "Started: %(total)s products in %(chunks)s chunks. Progress is shown below.",
            total=number(status.total),
            chunks=status.chunks,
        )
    )


def register_callbacks(app: Dash) -> None:
    for upload, status in ((CSV_UPLOAD, CSV_STATUS), (ZIP_UPLOAD, ZIP_STATUS)):

        @app.callback(Output(status, "children"), Input(upload, "filename"),
                      prevent_initial_call=True)  # fmt: skip
        def chosen(name: str | None) -> str:
            return (
                _(
                    "Chosen: %(name)s",
                    name=name,
                )
                if name
                else ""
            )

    @app.callback(
        Output(MESSAGE, "children"),
        Output(JOBS, "children", allow_duplicate=True),
        Output(PROGRESS, "children", allow_duplicate=True),
        Output(POLL, "disabled", allow_duplicate=True),
        Input(SUBMIT, "n_clicks"),
        State(CSV_UPLOAD, "contents"),
        State(CSV_UPLOAD, "filename"),
        State(ZIP_UPLOAD, "contents"),
        prevent_initial_call=True,
    )
    def run(_clicks: int | None, csv_contents: str | None, csv_name: str | None,
            zip_contents: str | None) -> tuple[Any, list[Any], str, bool]:  # fmt: skip
        said = submit(csv_contents, csv_name, zip_contents)
        found = job_statuses(services(), only_by=visible_owner())
        return said, _jobs(found), _summary(found), not _running(found)

    @app.callback(
        Output(JOBS, "children"),
        Output(PROGRESS, "children"),
        Output(POLL, "disabled"),
        Input(POLL, "n_intervals"),
        prevent_initial_call=True,
    )
    def poll(_ticks: int | None) -> tuple[list[Any], str, bool]:
        found = job_statuses(services(), only_by=visible_owner())
        return _jobs(found), _summary(found), not _running(found)

    @app.callback(
        Output(MESSAGE, "children", allow_duplicate=True),
        Output(JOBS, "children", allow_duplicate=True),
        Input({"type": CANCEL, "job": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def cancel(clicks: list[int | None]) -> tuple[Any, list[Any]]:
        chosen = ctx.triggered_id
        if not isinstance(chosen, dict) or not any(clicks):
            raise PreventUpdate
        try:
            status = job_status(services(), str(chosen["job"]), only_by=visible_owner())
            status = cancel_job(services(), status.id)
        except UnknownJob as exc:
            return notice(_("Not cancelled"), why(exc), kind="error"), []
        found = job_statuses(services(), only_by=visible_owner())
        said = html.P(
            _(
                "Cancelled %(source_name)s: %(scored)s products were scored.",
                source_name=status.source_name,
                scored=number(status.scored),
            )
        )
        return said, _jobs(found)
