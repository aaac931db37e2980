"""Drift reports through the real prediction path, their API, and the bivariate API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dash import html

from dashboard.pages import drift as drift_page
from dashboard.services.drift import REFERENCE_REQUEST_ID, DriftWindow, run_and_store, simulate
from dashboard.services.prediction import predict_and_record_many
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from dashboard.web.app import create_app


def test_simulated_shift_is_detected_and_served(trained_settings: Settings) -> None:
    client = create_app(trained_settings).test_client()
    services = Services.from_settings(trained_settings)
    started = datetime.now(UTC) - timedelta(seconds=1)
    # The demo's scored test split is the reference: it is never in a window.
    data = catalogue_data(services)
    reference = data.index("test")[:10]
    predict_and_record_many(
        services,
        [data.image_paths[i].read_bytes() for i in reference],
        [data.texts[i] for i in reference],
        source="batch",
        request_id=REFERENCE_REQUEST_ID,
        product_ids=[data.ids[i] for i in reference],
    )
    assert simulate(services, count=40) == 40
    stored = run_and_store(services, DriftWindow(since=started))
    assert stored.window.by_source == {"batch": 40}
    assert stored.window.first >= started.replace(tzinfo=stored.window.first.tzinfo)
    assert stored.result.dataset_drift
    drifted = {c["column"] for c in stored.result.summary["columns"] if c["drifted"]}
    assert "brightness" in drifted

    body = client.get("/api/audit/drift-report").get_json()
    assert body["id"] == stored.report_id and body["dataset_drift"] is True
    assert body["current_size"] == 40
    assert body["summary"]["window"]["rows_by_source"] == {"batch": 40}
    report = client.get(body["html_url"])
    assert report.status_code == 200 and report.mimetype == "text/html"
    assert "frame-ancestors 'self'" in report.headers["Content-Security-Policy"]
    assert client.get("/api/audit/drift-report?id=999999").status_code == 404
    assert client.get("/api/audit/drift-report?format=pdf").status_code == 422

    # The drift page links to the report; it embeds it only when asked (its scripts are heavy).
    with client.application.test_request_context("/drift"):
        plain, inline = drift_page.layout(), drift_page.layout(report="inline")
    assert not _find(plain, html.Iframe)
    assert [a.href for a in _find(plain, html.A)] == [
        body["html_url"],
        "/drift?report=inline#drift-report",
    ]
    (frame,) = _find(inline, html.Iframe)
    assert frame.src == body["html_url"] and f"#{stored.report_id}" in frame.title


def _find(component, kind: type) -> list:  # type: ignore[no-untyped-def,type-arg]
    """Every component of `kind` in a Dash layout tree."""
    found = [component] if isinstance(component, kind) else []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found += _find(child, kind)
    return found


def test_drift_report_before_any_run_is_404(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/audit/drift-report")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "no_drift_report"


def test_bivariate_api(trained_settings: Settings) -> None:
    client = create_app(trained_settings).test_client()
    body = client.get("/api/analysis/bivariate?x=retail_price&y=discounted_price").get_json()
    assert body["n"] == 140 and body["spearman"] > 0.8
    assert "rises as retail price" in body["reading"]
    assert len(body["groups"]) == 7 and len(body["points"]) == 140
    for query in ("x=height&y=rating", "x=rating", "x=rating&y=rating&by=brand"):
        response = client.get(f"/api/analysis/bivariate?{query}")
        assert response.status_code == 422


def test_the_page_says_which_window_a_report_read(trained_settings: Settings) -> None:
    client = create_app(trained_settings).test_client()
    services = Services.from_settings(trained_settings)
    started = datetime.now(UTC) - timedelta(seconds=1)
    simulate(services, count=35, seed=4)
    run_and_store(services, DriftWindow(since=started, last=30))
    with client.application.test_request_context("/drift"):
        page = drift_page.layout()
    said = " ".join(p.children for p in _find(page, html.P) if isinstance(p.children, str))
    assert "Window: 30 predictions (batch 30) from " in said
    assert "never in a window" in said
