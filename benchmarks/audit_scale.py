"""The audit trail at scale on PostgreSQL: a filtered page, its count, and the CSV export,
over bulk-generated predictions (1M by default) in a database of their own.

    .venv/bin/python benchmarks/audit_scale.py [--rows 1000000]
        [--server postgresql+psycopg2://postgres@127.0.0.1:5432/test] [--keep]

The rows are generated inside PostgreSQL (generate_series), so loading takes seconds; the
queries and the export then go through the app's own code: db/repo_predictions.py for pages
and counts, and dashboard/services/audit.py's export_csv (what GET /api/audit/predictions?format=csv
streams) both ways: row by row in Python, and PostgreSQL's COPY.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

from scratch_db import scratch_database, timed
from sqlalchemy import text

from dashboard.services.audit import AuditQuery, export_csv
from db.engine import make_engine, make_session_factory, session_scope
from db.repo_predictions import PredictionFilter, count_predictions, page_predictions
from ml.categories import CATEGORIES

DATABASE = "vitrine_bench_audit"

# An insert-only trail: created_at grows with the id, over the last 90 days. Probabilities
# have all seven categories, the predicted one highest, as the app stores them.
_PROBABILITIES = ", ".join(
    f"'{name}', CASE WHEN g % 7 = {n} THEN c ELSE (1 - c) / 6 END"
    for n, name in enumerate(CATEGORIES)
)
FILL = f"""
INSERT INTO predictions (created_at, request_id, source, model_version_id, model_name,
    model_version, product_uniq_id, image_sha256, text_sha256, text_length, input_text,
    category, confidence, probabilities, fallback, needs_review, latency_ms, drift_features)
SELECT now() - (:rows - g) * (interval '90 days' / :rows) - random() * interval '1 ms',
       md5(g::text),
       (ARRAY['ui', 'api', 'batch'])[1 + (g % 3)],
       1, 'fusion', 1, NULL,
       md5('i' || g), md5('t' || g), 120, NULL,
       (:categories)[1 + (g % 7)],
       c, jsonb_build_object({_PROBABILITIES}),
       (g % 10 = 0), c < 0.6, 2 + random() * 5,
       jsonb_build_object('brightness', random(), 'contrast', random())
FROM (SELECT g, 0.3 + 0.7 * random() AS c FROM generate_series(1, :rows) AS g) AS s
"""


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--server", default="postgresql+psycopg2://postgres@127.0.0.1:5432/test")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database.")
    args = parser.parse_args()
    with scratch_database(args.server, DATABASE, args.keep) as url:
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO model_versions (name, version, created_at, artifact_path, "
                    "is_active, metrics) VALUES ('fusion', 1, now(), '-', true, '{}')"
                )
            )
            conn.execute(text(FILL), {"rows": args.rows, "categories": list(CATEGORIES)})
            conn.execute(text("ANALYZE predictions"))
        load = time.perf_counter() - started

        month = datetime.now(UTC) - timedelta(days=30)
        cases = {
            "newest, no filter": PredictionFilter(),
            "category + source + 30 days": PredictionFilter(
                category="Watches", source="api", since=month
            ),
            "needs review, 30 days": PredictionFilter(needs_review=True, since=month),
            "confidence 0.9-1.0": PredictionFilter(min_confidence=0.9),
        }
        print(f"{args.rows:,} audit rows on PostgreSQL, loaded in {load:.1f} s\n")
        print(
            f"{'query':<34} {'page p50 ms':>11} {'page p95 ms':>11} {'count p50 ms':>12} "
            f"{'matching':>10}"
        )
        with session_scope(sessions) as session:
            for name, filters in cases.items():
                page = timed(lambda f=filters: page_predictions(session, f, page_size=25))
                deep = timed(lambda f=filters: page_predictions(session, f, page=40))
                count = timed(lambda f=filters: count_predictions(session, f), repeat=5)
                matching = count_predictions(session, filters)
                print(
                    f"{name:<34} {page[0]:>11.1f} {page[1]:>11.1f} {count[0]:>12.1f} "
                    f"{matching:>10,}"
                )
                print(f"{'  same, page 40':<34} {deep[0]:>11.1f} {deep[1]:>11.1f}")

        print(
            f"\nCSV export of every row, newest first\n{'path':<28} {'rows':>10} {'MB':>6} "
            f"{'seconds':>8} {'rows/s':>10} {'RSS MB before':>14} {'peak':>6}"
        )
        for name, copy in (("row by row in Python", False), ("PostgreSQL COPY", True)):
            rss_before = _rss_mb()
            peak = rss_before
            rows = 0
            size = 0
            started = time.perf_counter()
            with session_scope(sessions) as session:
                for n, chunk in enumerate(export_csv(session, AuditQuery(), copy=copy)):
                    size += len(chunk)
                    rows += chunk.count(b"\n")  # no exported field holds a newline
                    if n % 20 == 0:
                        peak = max(peak, _rss_mb())
            export = time.perf_counter() - started
            print(
                f"{name:<28} {rows - 1:>10,} {size / 1e6:>6.0f} {export:>8.1f} "
                f"{(rows - 1) / export:>10,.0f} {rss_before:>14.0f} {peak:>6.0f}"
            )
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
