"""The audit CSV written by PostgreSQL itself (`COPY ... TO STDOUT`), for exports of millions
of rows: decoding every row and its two JSON columns in Python tops out near 40k rows/s.

The cells match the row-by-row export (dashboard/services/audit.py) as values: timestamps in
the same ISO form, booleans as True/False, one column per probability key, formula-like text quoted.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from sqlalchemy import Boolean, ColumnElement, DateTime, case, func, literal, literal_column
from sqlalchemy.orm import Session

from db.models import Prediction, ShadowAnswer
from db.repo_predictions import (
    REVIEW_COLUMNS,
    SHADOW_COLUMNS,
    PredictionFilter,
    ordered_predictions,
)
from db.repo_reviews import latest_reviews

_CHUNK_BYTES = 256 * 1024
_QUEUED_CHUNKS = 8  # at most ~2 MB in flight: memory stays flat whatever the row count


def supports_copy(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _cell(
    column: ColumnElement[Any], *, formula_guard: bool, formula_start: Sequence[str]
) -> ColumnElement[Any]:
    if isinstance(column.type, DateTime):
        utc = func.timezone("UTC", column)
        # Python's isoformat(): microseconds only when there are any, and the UTC offset.
        fraction = case(
            (func.date_trunc("second", column) == column, literal("")),
            else_=func.to_char(utc, ".US"),
        )
        return func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS') + fraction + literal("+00:00")
    if isinstance(column.type, Boolean):
        return case((column.is_(None), None), (column, literal("True")), else_=literal("False"))
    if formula_guard:
        return case((func.left(column, 1).in_(formula_start), literal("'") + column), else_=column)
    return column


def copy_csv(
    session: Session,
    filters: PredictionFilter,
    *,
    columns: Sequence[str],
    probability_keys: Sequence[str],
    formula_guarded: Collection[str],
    formula_start: Sequence[str],
    sort: str = "created_at",
    descending: bool = True,
) -> Iterator[bytes]:
    """CSV lines (no header) of every matching prediction: `columns` of the table, then each
    probability key, the drift features as JSON, the newest review's REVIEW_COLUMNS (those
    in `formula_guarded` guarded too) and the shadow answer's SHADOW_COLUMNS; chunks of
    about 256 kB.

    COPY hands rows to a writer callback, so it runs in a thread feeding a small queue; closing
    the iterator early (a client that hangs up) cancels the query.
    """
    table = Prediction.__table__.c
    cells: list[ColumnElement[Any]] = [
        _cell(
            table[name], formula_guard=name in formula_guarded, formula_start=formula_start
        ).label(name)
        for name in columns
    ]
    cells += [table.probabilities[key].as_string().label(f"p_{key}") for key in probability_keys]
    cells.append(func.coalesce(table.drift_features, literal_column("'{}'::jsonb")))
    latest = latest_reviews()
    cells += [
        _cell(
            latest.c[column], formula_guard=name in formula_guarded, formula_start=formula_start
        ).label(name)
        for name, column in REVIEW_COLUMNS.items()
    ]
    shadow = ShadowAnswer.__table__.c
    cells += [
        _cell(shadow[column], formula_guard=False, formula_start=formula_start).label(name)
        for name, column in SHADOW_COLUMNS.items()
    ]
    stmt = ordered_predictions(filters, sort, descending, columns=cells, latest=latest, shadow=True)

    connection = session.connection()
    raw = connection.connection.dbapi_connection
    assert raw is not None
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    cursor = raw.cursor()
    # mogrify binds the parameters exactly as psycopg2 would for an ordinary query.
    query = cursor.mogrify(compiled.string, compiled.params).decode()
    sql = f"COPY ({query}) TO STDOUT WITH (FORMAT csv)"

    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(_QUEUED_CHUNKS)
    stop = threading.Event()

    class Writer:
        def __init__(self) -> None:
            self.parts: list[bytes] = []
            self.size = 0

        def write(self, data: bytes) -> None:  # called by psycopg2 once per row
            self.parts.append(data)
            self.size += len(data)
            if self.size >= _CHUNK_BYTES:
                self.flush()

        def flush(self) -> None:
            if self.parts:
                _put(b"".join(self.parts))
                self.parts, self.size = [], 0

    def _put(item: bytes | BaseException | None) -> None:
        # Once the reader has gone, rows are dropped until the cancel reaches the server:
        # raising from inside COPY would leave the connection mid-protocol.
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def produce() -> None:
        writer = Writer()
        try:
            cursor.copy_expert(sql, writer, size=_CHUNK_BYTES)
            writer.flush()
            _put(None)
        except BaseException as exc:  # handed to the reading side, which re-raises it
            _put(exc)

    worker = threading.Thread(target=produce, name="audit-copy", daemon=True)
    worker.start()
    finished = False
    try:
        while True:
            item = chunks.get()
            if item is None:
                finished = True
                return
            if isinstance(item, BaseException):
                finished = True
                raise item
            yield item
    finally:
        if not finished:
            stop.set()
            while worker.is_alive():  # repeated: a cancel sent before COPY began is a no-op
                raw.cancel()
                worker.join(0.5)
            try:
                raw.rollback()  # the cancelled statement aborted the transaction
            except Exception:
                connection.invalidate()
        worker.join()
        cursor.close()
