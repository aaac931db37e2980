"""Drift: is recent traffic still like the data the models were tested on?"""

from __future__ import annotations

from typing import Any

from dash import Dash, html

from dashboard.components.cards import kpi_cards, notice
from dashboard.components.tables import data_table
from dashboard.figures.drift import history_chart
from dashboard.services.drift_alerts import latest_alerts, target_of
from dashboard.web.context import services
from db.repo_drift import drift_history

PATH = "/drift"
ROLE: str | None = "auditor"
TITLE = "Data drift · Vitrine"
DESCRIPTION = "Evidently drift reports comparing recent predictions with the test split."
NAV_LABEL = "Drift"
ORDER = 70

LABELS = {
    "brightness": "Image brightness",
    "contrast": "Image contrast",
    "colourfulness": "Colourfulness",
    "aspect_ratio": "Aspect ratio",
    "file_kb": "File size",
    "text_length": "Text length",
    "embedding_norm": "Embedding norm",
    "category": "Predicted category",
}


def layout(report: str | None = None, **_query: str) -> html.Div:
    with services().sessions() as session:
        history = drift_history(session)
    children: list[Any] = [
        html.H1("Data drift"),
        html.P(
            "Each report compares a window of live predictions (the Predict page, the API and "
            "batch scoring) with the test split, "
            "whose features were computed exactly as at prediction time: image brightness, "
            "contrast, colourfulness, aspect ratio, file size, text length, the embedding, "
            "and the predicted category."
        ),
    ]
    if not history:
        children.append(
            notice(
                "No drift report yet",
                "Run `vitrine drift` once there are at least 30 predictions; "
                "`vitrine drift simulate` sends shifted ones to try it.",
            )
        )
        return html.Div(children)
    latest = history[-1]
    summary = latest.summary
    verdict = "Drift detected" if latest.dataset_drift else "No dataset drift"
    children += [
        html.H2(f"Latest report: {verdict}"),
        kpi_cards(
            [
                ("verdict", "⚠ drift" if latest.dataset_drift else "✓ stable"),
                (
                    "columns drifted",
                    f"{summary.get('drifted_columns', 0)} of {len(summary.get('columns', []))}",
                ),
                ("current predictions", f"{latest.current_size:,}"),
                ("reference products", f"{latest.reference_size:,}"),
            ],
            label="Latest drift report",
        ),
        *_window(summary),
        _columns_table(summary),
        history_chart(history),
        *_alerts(),
        html.H2("Full Evidently report", id="drift-report"),
        *_full_report(latest.id, inline=report == "inline"),
    ]
    return html.Div(children)


def _alerts() -> list[Any]:
    """Who is told when a check finds drift, on what schedule, and what the last alerts did."""
    settings = services().settings
    every = settings.drift_every
    said = [
        f"Checks run every {every} (VITRINE_DRIFT_EVERY, sent by `vitrine worker --beat`)."
        if every
        else "No schedule is set: run `vitrine drift --every 1h`, or a cron line such as "
        "`0 * * * * vitrine drift`, or set VITRINE_DRIFT_EVERY with Redis and a "
        "`vitrine worker --beat`.",
        f" A check that finds drift sends an alert to {target_of(settings.drift_webhook_url)}."
        if settings.drift_webhook_url
        else " No webhook is set (VITRINE_DRIFT_WEBHOOK_URL): a check that finds drift is "
        "only recorded here.",
    ]
    alerts = latest_alerts(services())
    out: list[Any] = [html.H2("Alerts"), html.P(said)]
    if not alerts:
        out.append(html.P("No alert has been sent yet.", className="result__meta"))
        return out
    rows = [
        (
            a.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            f"#{a.drift_report_id}",
            a.target,
            "✓ sent" if a.status == "sent" else "⚠ failed",
            a.attempts,
            f"HTTP {a.http_status}" if a.http_status else (a.error or "—"),
        )
        for a in alerts
    ]
    out.append(
        data_table(
            f"The {len(rows)} newest drift alerts",
            ["Time (UTC)", "Report", "Sent to", "Result", "Attempts", "Answer"],
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
            f"Window: {sum(window['rows_by_source'].values()):,} predictions ({counts}) from "
            f"{first} to {last} UTC. Live traffic only: the test split the demo scores is the "
            "reference itself and is never in a window.",
            className="result__meta",
        )
    ]


def _full_report(report_id: int, *, inline: bool) -> list[Any]:
    """A link to Evidently's report, and the report itself on this page only when asked for:
    its scripts cost the page 1.3 s of blocked main thread (Lighthouse), before anyone looks."""
    url = f"/api/audit/drift-report?format=html&id={report_id}"
    links: list[Any] = [
        html.A("Open the report in its own tab", href=url, target="_blank", rel="noopener")
    ]
    if not inline:
        links += [" or ", html.A("show it on this page", href=f"{PATH}?report=inline#drift-report")]
        return [html.P([*links, "."])]
    return [
        html.P(links),
        html.Iframe(
            src=url, title=f"Evidently data drift report #{report_id}", className="drift-frame"
        ),
    ]


def _columns_table(summary: dict[str, Any]) -> html.Div:
    rows = []
    for column in summary.get("columns", []):
        state = "⚠ drifted" if column["drifted"] else "✓ no drift"
        adjusted = column.get("p_adjusted")
        rows.append(
            (
                LABELS.get(column["column"], column["column"]),
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
                "Image embedding",
                "⚠ drifted" if embedding["drifted"] else "✓ no drift",
                embedding["method"],
                f"{embedding['value']:.3f}",
                "—",
                f"{embedding['threshold']:g}",
            )
        )
    table = data_table(
        "Drift by feature in the latest report",
        ["Feature", "Status", "Test", "Score", "Adjusted p (Holm)", "Threshold"],
        rows,
        numeric=[False, False, False, True, True, True],
    )
    return html.Div(
        [
            table,
            html.P(
                "A column drifts when its p-value, adjusted for testing every column at once "
                "(Holm), is under the threshold; the embedding drifts when the classifier's "
                "ROC AUC is above what chance reaches 5% of the time on windows of this size. "
                "Each decision alarms on at most 5% of windows like the reference.",
                className="result__meta",
            ),
        ]
    )


def register_callbacks(app: Dash) -> None:
    """No callbacks."""
