"""The audit trail API on SQLite and PostgreSQL: filters, paging, CSV equal to the filtered
set, formula escaping, streaming at flat memory, validation; PostgreSQL's COPY export equal to
the row-by-row one."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from dashboard.services.audit import AuditQuery, export_csv, safe_cell
from dashboard.web.context import services as services_of
from db.engine import session_scope
from db.models import Prediction
from tests.conftest import make_settings

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path, migrated_url):  # type: ignore[no-untyped-def]
    """Every test here runs on both databases: PostgreSQL exports through COPY."""
    return make_settings(tmp_path, migrated_url)


def _row(i: int, **overrides: object) -> dict[str, object]:
    categories = ["Watches", "Computers", "Baby Care"]
    row = {
        "created_at": NOW - timedelta(hours=i),
        "request_id": f"req-{i}",
        "source": ["ui", "api", "batch"][i % 3],
        "model_version_id": None,
        "model_name": "vit" if i % 4 == 0 else "fusion",
        "model_version": 1,
        "product_uniq_id": None,
        "image_sha256": f"{i:064d}",
        "text_sha256": None,
        "text_length": 0,
        "category": categories[i % 3],
        "confidence": (i % 10) / 10 + 0.05,
        "probabilities": {"Watches": 0.5},
        "fallback": i % 4 == 0,
        "needs_review": (i % 10) / 10 + 0.05 < 0.6,
        "latency_ms": 3.0,
        "drift_features": {"brightness": 0.5},
    }
    row.update(overrides)
    return row


def _insert(app, rows: list[dict[str, object]]) -> None:  # type: ignore[no-untyped-def]
    with session_scope(services_of(app).sessions) as session:
        session.execute(insert(Prediction), rows)


@pytest.fixture
def audited(app, client):  # type: ignore[no-untyped-def]
    _insert(app, [_row(i) for i in range(60)])
    return client


def _all(client, query: str) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    items, page = [], 1
    while True:
        body = client.get(f"/api/audit/predictions?{query}&page={page}&page_size=7").get_json()
        items += body["items"]
        if page >= body["pages"]:
            return items
        page += 1


def test_filters_select_exactly_the_matching_rows(audited) -> None:  # type: ignore[no-untyped-def]
    rows = [_row(i) for i in range(60)]
    expected = {
        r["request_id"]
        for r in rows
        if r["category"] == "Watches" and r["source"] == "ui" and r["confidence"] >= 0.5
    }
    got = _all(audited, "category=Watches&source=ui&min_confidence=0.5")
    assert {r["request_id"] for r in got} == expected
    body = audited.get("/api/audit/predictions?category=Watches&source=ui&min_confidence=0.5")
    assert body.get_json()["total"] == len(expected)

    fallback = {r["request_id"] for r in rows if r["fallback"] and r["needs_review"]}
    assert {r["request_id"] for r in _all(audited, "fallback=true&needs_review=true")} == fallback

    day = NOW.date() - timedelta(days=1)
    in_day = {r["request_id"] for r in rows if r["created_at"].date() == day}
    got = _all(audited, f"since={day.isoformat()}&until={day.isoformat()}")
    assert {r["request_id"] for r in got} == in_day


def test_sorting_and_pages_do_not_overlap(audited) -> None:  # type: ignore[no-untyped-def]
    items = _all(audited, "sort=confidence")
    assert len(items) == 60 == len({i["prediction_id"] for i in items})
    confidences = [i["confidence"] for i in items]
    assert confidences == sorted(confidences)


def test_csv_is_exactly_the_filtered_set(audited) -> None:  # type: ignore[no-untyped-def]
    query = "category=Computers&model=fusion"
    response = audited.get(f"/api/audit/predictions?{query}&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    json_ids = {str(i["prediction_id"]) for i in _all(audited, query)}
    assert {r["prediction_id"] for r in table} == json_ids
    assert all(r["category"] == "Computers" and r["model"] == "fusion" for r in table)
    assert "p_Watches" in table[0] and "drift_features" in table[0]


def test_formula_cells_are_escaped(app, client) -> None:  # type: ignore[no-untyped-def]
    _insert(
        app,
        [
            _row(0, request_id='=HYPERLINK("http://x")'),
            _row(1, request_id="+1"),
            _row(2, request_id="@SUM(A1)"),
            _row(3, request_id="-2+3"),
        ],
    )
    text = client.get("/api/audit/predictions?format=csv").get_data(as_text=True)
    ids = [r["request_id"] for r in csv.DictReader(io.StringIO(text))]
    assert sorted(ids) == sorted(['\'=HYPERLINK("http://x")', "'+1", "'@SUM(A1)", "'-2+3"])
    assert safe_cell(-0.5) == -0.5 and safe_cell("Watches") == "Watches"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("category=Toys", "category"),
        ("sort=password", "sort"),
        ("page=0", "page"),
        ("page_size=10000", "page_size"),
        ("min_confidence=2", "min_confidence"),
        ("since=yesterday", "since"),
        ("fallback=maybe", "fallback"),
        ("format=xml", "format"),
        ("min_confidence=0.9&max_confidence=0.1", None),
        ("drop=1", "drop"),
    ],
)
def test_invalid_queries_are_422_json(client, query: str, field: str | None) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/audit/predictions?{query}")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_query"
    if field:
        assert any(field in e["loc"] for e in error["details"]["errors"])


def _stream_peak(client, expected_rows: int) -> int:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    response = client.get("/api/audit/predictions?format=csv", buffered=False)
    lines = sum(chunk.count(b"\n") for chunk in response.response)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert lines == expected_rows + 1
    return peak


def test_csv_streams_100k_rows_at_flat_memory(app, client) -> None:  # type: ignore[no-untyped-def]
    batch = [_row(i) for i in range(10_000)]
    _insert(app, batch)
    small = _stream_peak(client, 10_000)
    for _ in range(9):
        _insert(app, batch)
    large = _stream_peak(client, 100_000)
    # Ten times the rows, about the same memory: nothing holds the whole export.
    assert large < 2 * small, (small, large)


def _export(app, query: AuditQuery, *, copy: bool) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    with session_scope(services_of(app).sessions) as session:
        text = b"".join(export_csv(session, query, copy=copy)).decode()
    return list(csv.DictReader(io.StringIO(text)))


def _as_values(row: dict[str, str]) -> dict[str, object]:
    """A CSV row as a reader would use it: numbers as numbers, JSON parsed."""
    values: dict[str, object] = {}
    for key, cell in row.items():
        if key == "drift_features":
            values[key] = json.loads(cell)
        else:
            try:
                values[key] = float(cell)
            except ValueError:
                values[key] = cell
    return values


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)  # COPY is PostgreSQL's
def test_copy_export_has_the_values_of_the_row_by_row_export(app) -> None:  # type: ignore[no-untyped-def]
    rows = [_row(i) for i in range(40)]
    rows[0].update(
        request_id="=cmd|' /C calc'!A0",
        product_uniq_id="-1+1",
        probabilities={"Watches": 0.1 + 0.2, "Baby Care": 1e-05, "Computers": 0.7},
        drift_features={"brightness": 0.25, "aspect_ratio": 1.5, "text_length": 12.0},
        created_at=NOW.replace(microsecond=123456),
        text_sha256='a,b"c',  # a cell that needs CSV quoting
    )
    _insert(app, rows)
    for query in (
        AuditQuery(),
        AuditQuery(category="Watches", sort="confidence", since=NOW.date() - timedelta(days=1)),
    ):
        copied = _export(app, query, copy=True)
        formatted = _export(app, query, copy=False)
        assert copied and [r["prediction_id"] for r in copied] == [
            r["prediction_id"] for r in formatted
        ]
        assert [_as_values(r) for r in copied] == [_as_values(r) for r in formatted]
    first = next(r for r in _export(app, AuditQuery(), copy=True) if r["request_id"][1:2] == "=")
    assert first["request_id"] == "'=cmd|' /C calc'!A0" and first["product_id"] == "'-1+1"
    assert first["created_at"] == "2026-11-20T12:00:00.123456+00:00"
    assert first["fallback"] == "True" and first["text_sha256"] == 'a,b"c'


def test_a_client_that_hangs_up_mid_export_frees_the_database(app, database_url) -> None:  # type: ignore[no-untyped-def]
    _insert(app, [_row(i) for i in range(20_000)])
    sessions = services_of(app).sessions
    with session_scope(sessions) as session:
        chunks = export_csv(session, AuditQuery())
        assert next(chunks).startswith(b"prediction_id,")
        assert next(chunks)
        chunks.close()  # what Flask does when the download is abandoned
    # The same pool serves a whole export and a write afterwards.
    assert len(_export(app, AuditQuery(), copy=database_url.startswith("postgresql"))) == 20_000
    _insert(app, [_row(0, request_id="after")])
    with session_scope(sessions) as session:
        assert session.query(Prediction).filter_by(request_id="after").count() == 1


@pytest.mark.parametrize("value", ["%00", "Watches%00", "%1b[2J", "fusion%0d"])
def test_control_characters_in_a_filter_are_refused_not_a_500(client, value: str) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL refuses NUL in a string: the API says so with a 422 before any query runs."""
    for path in (f"/api/audit/predictions?model={value}", f"/api/products/abc/similar?k={value}"):
        response = client.get(path)
        assert response.status_code == 422, response.get_data(as_text=True)
        assert response.get_json()["error"]["code"] == "invalid_characters"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("until=1131-09-14T08:41:58.0%2B23:57", 200),  # an offset PostgreSQL refuses
        ("since=2026-11-20T12:00:00-23:59", 200),
        ("until=9999-12-31", 422),  # the day's end is past what a datetime holds
    ],
)
def test_extreme_times_are_answered_not_a_503(audited, query: str, status: int) -> None:  # type: ignore[no-untyped-def]
    response = audited.get(f"/api/audit/predictions?{query}")
    assert response.status_code == status, response.get_data(as_text=True)
    if status == 422:
        assert "between the years 1 and 9999" in response.get_data(as_text=True)
