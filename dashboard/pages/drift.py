"""Drift: is recent traffic still like the data the models were tested on?"""

from __future__ import annotations

from typing import Any

from dash import Dash, html

from dashboard.components.cards import kpi_cards, notice
from dashboard.components.tables import data_table
from dashboard.figures.drift import history_chart
from dashboard.services.drift_alerts import latest_alerts, target_of
from dashboard.web.context import services
from dashboard.web.i18n import N_, _, decimal, number, percent
from db.repo_drift import drift_history

PATH = "/drift"
ROLE: str | None = "auditor"
TITLE = N_("Data drift · Vitrine")
DESCRIPTION = N_("Evidently drift reports comparing recent predictions with the test split.")
NAV_LABEL = N_("Drift")
ORDER = 70

LABELS = {
    "brightness": N_("Image brightness"),
    "contrast": N_("Image contrast"),
    "colourfulness": N_("Colourfulness"),
    "aspect_ratio": N_("Aspect ratio"),
    "file_kb": N_("File size"),
    "text_length": N_("Text length"),
    "embedding_norm": N_("Embedding norm"),
    "category": N_("Predicted category"),
}


def layout(report: str | None = None, **_query: str) -> html.Div:
    with services().sessions() as session:
        history = drift_history(session)
    children: list[Any] = [
        html.H1(_("Data drift")),
        html.P(
            _(
                "Each report compares a window of live predictions (the Predict page, the API and "
                "batch scoring) with the test split, "
                "whose features were computed exactly as at prediction time: image brightness, "
                "contrast, colourfulness, aspect ratio, file size, text length, the embedding, "
                "and the predicted category."
            )
        ),
    ]
    if not history:
        children.append(
            notice(
                _("No drift report yet"),
                _(
                    "Run `vitrine drift` once there are at least 30 predictions; "
                    "`vitrine drift simulate` sends shifted ones to try it."
                ),
            )
        )
        return html.Div(children)
    latest = history[-1]
    summary = latest.summary
    verdict = _("Drift detected") if latest.dataset_drift else _("No dataset drift")
    children += [
        html.H2(
            _(
                "Latest report: %(verdict)s",
                verdict=verdict,
            )
        ),
        kpi_cards(
            [
                (_("verdict"), _("⚠ drift") if latest.dataset_drift else _("✓ stable")),
                (
                    _("columns drifted"),
                    _(
                        "%(drifted)s of %(total)s",
                        drifted=summary.get("drifted_columns", 0),
                        total=len(summary.get("columns", [])),
                    ),
                ),
                (_("current predictions"), number(latest.current_size)),
                (_("reference products"), number(latest.reference_size)),
            ],
            label=_("Latest drift report"),
        ),
        *_window(summary),
        _columns_table(summary),
        history_chart(history),
        *_alerts(),
        html.H2(_("Full Evidently report"), id="drift-report"),
        *_full_report(latest.id, inline=report == "inline"),
    ]
    return html.Div(children)


def _alerts() -> list[Any]:
    """Who is told when a check finds drift, on what schedule, and what the last alerts did."""
    settings = services().settings
    every = settings.drift_every
    said = [
        _(
            "Checks run every %(every)s (VITRINE_DRIFT_EVERY, sent by `vitrine worker --beat`).",
            every=every,
        )
        if every
        else _(
            "No schedule is set: run `vitrine drift --every 1h`, or a cron line such as "
            "`0 * * * * vitrine drift`, or set VITRINE_DRIFT_EVERY with Redis and a "
            "`vitrine worker --beat`."
        ),
        _(
            " A check that finds drift sends an alert to %(target_of)s.",
            target_of=target_of(settings.drift_webhook_url),
        )
        if settings.drift_webhook_url
        else _(
            " No webhook is set (VITRINE_DRIFT_WEBHOOK_URL): a check that finds drift is "
            "only recorded here."
        ),
    ]
    alerts = latest_alerts(services())
    out: list[Any] = [html.H2(_("Alerts")), html.P(said)]
    if not alerts:
        out.append(html.P(_("No alert has been sent yet."), className="result__meta"))
        return out
    rows = [
        (
            a.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            f"#{a.drift_report_id}",
            a.target,
            _("✓ sent") if a.status == "sent" else _("⚠ failed"),
            a.attempts,
            f"HTTP {a.http_status}" if a.http_status else (a.error or "—"),
        )
        for a in alerts
    ]
    out.append(
        data_table(
            _(
                "The %(count)s newest drift alerts",
                count=len(rows),
            ),
            [_("Time (UTC)"), _("Report"), _("Sent to"), _("Result"), _("Attempts"), _("Answer")],
            rows,
            numeric=[False, False, False, False, True, False],
            prose=(5,),
        )
    )
    return out


def _window(summary: dict[str, Any]) -> list[Any]:
    """Which predictions the report compared (reports made before windows were recorded say
    nothing)."""
    window = summary.get("window")
    if not window:
        return []
    counts = ", ".join(f"{source} {n:,}" for source, n in window["rows_by_source"].items())
    first, last = (str(window[k])[:19].replace("T", " ") for k in ("from", "to"))
    return [
        html.P(
            _(
                "Window: %(total)s predictions (%(counts)s) from %(first)s to %(last)s "
                "UTC. Live traffic only: the test split the demo scores is the "
                "reference itself and is never in a window.",
                total=number(sum(window["rows_by_source"].values())),
                counts=counts,
                first=first,
                last=last,
            ),
            className="result__meta",
        )
    ]


def _full_report(report_id: int, *, inline: bool) -> list[Any]:
    """A link to Evidently's report, and the report itself on this page only when asked for:
    its scripts cost the page 1.3 s of blocked main thread (Lighthouse), before anyone looks."""
    url = f"/api/audit/drift-report?format=html&id={report_id}"
    links: list[Any] = [
        html.A(_("Open the report in its own tab"), href=url, target="_blank", rel="noopener")
    ]
    if not inline:
        links += [
            " or ",
            html.A(_("show it on this page"), href=f"{PATH}?report=inline#drift-report"),
        ]
        return [html.P([*links, "."])]
    return [
        html.P(links),
        html.Iframe(
            src=url,
            title=_(
                "Evidently data drift report #%(report_id)s",
                report_id=report_id,
            ),
            className="drift-frame",
        ),
    ]


def _columns_table(summary: dict[str, Any]) -> html.Div:
    rows = []
    for column in summary.get("columns", []):
        state = _("⚠ drifted") if column["drifted"] else _("✓ no drift")
        adjusted = column.get("p_adjusted")
        rows.append(
            (
                _(LABELS.get(column["column"], column["column"])),
                state,
                column["method"],
                f"{column['value']:.3g}",
                "—" if adjusted is None else f"{adjusted:.3g}",
                f"{column['threshold']:g}",
            )
        )
    embedding = summary.get("embedding_drift")
    if embedding:
        rows.append(
            (
                _("Image embedding"),
                _("⚠ drifted") if embedding["drifted"] else _("✓ no drift"),
                embedding["method"],
                decimal(embedding["value"], 3),
                "—",
                f"{embedding['threshold']:g}",
            )
        )
    table = data_table(
        _("Drift by feature in the latest report"),
        [_("Feature"), _("Status"), _("Test"), _("Score"), _("Adjusted p (Holm)"), _("Threshold")],
        rows,
        numeric=[False, False, False, True, True, True],
    )
    return html.Div(
        [
            table,
            html.P(
                _(
                    "A column drifts when its p-value, adjusted for testing every column at once "
                    "(Holm), is under the threshold; the embedding drifts when the classifier's "
                    "ROC AUC is above what chance reaches %(alpha)s of the time on windows of this "
                    "size. Each decision alarms on at most %(alpha)s of windows like the "
                    "reference.",
                    alpha=percent(0.05, 0),
                ),
                className="result__meta",
            ),
        ]
    )


def register_callbacks(app: Dash) -> None:
    """No callbacks."""
