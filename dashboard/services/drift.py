"""Drift monitoring: the test split as reference (features computed exactly as at prediction
time), a window of live predictions as the current data, an Evidently report stored per run."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image, ImageEnhance, ImageFilter

from dashboard.services.prediction import predict_and_record_many, predictor_for
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from db.engine import session_scope
from db.repo_drift import add_drift_report, set_html_path
from db.repo_predictions import drift_window_rows
from ml.drift import DriftResult, TooFewRows, frame, run_drift

CURRENT_LIMIT = 5000
MIN_ROWS = 30
LIVE_SOURCES = ("ui", "api", "batch")
# The demo scores the test split, which is the reference: comparing it with itself says
# nothing, and mixed into a window it hid the drift of the rows around it.
REFERENCE_REQUEST_ID = "demo-test-split"


@dataclass(frozen=True)
class DriftWindow:
    """Which predictions a drift report compares with the reference: the newest `last` from
    `sources` in [since, until). Never the demo's scored test split (the reference itself)."""

    sources: tuple[str, ...] = LIVE_SOURCES
    since: datetime | None = None
    until: datetime | None = None
    last: int = CURRENT_LIMIT

    def describe(self) -> str:
        bounds = [
            f"from {self.since:%Y-%m-%d %H:%M} UTC" if self.since else "",
            f"until {self.until:%Y-%m-%d %H:%M} UTC" if self.until else "",
        ]
        said = " ".join(b for b in bounds if b)
        return f"the newest {self.last:,} predictions from {', '.join(self.sources)}" + (
            f", {said}" if said else ""
        )


@dataclass(frozen=True)
class WindowUsed:
    """The rows a report read: their first and last time, and how many from each source."""

    first: datetime
    last: datetime
    by_source: dict[str, int]

    def as_json(self) -> dict[str, object]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "rows_by_source": self.by_source,
        }


@dataclass(frozen=True)
class StoredDrift:
    report_id: int
    result: DriftResult
    html_path: Path
    window: WindowUsed


def reference_frame(services: Services) -> pd.DataFrame:
    """Drift features of the test split, through the serving predictor; cached on disk."""
    predictor = predictor_for(services)
    data = catalogue_data(services)
    test = data.index("test")
    digest = hashlib.sha256("".join(data.image_shas).encode()).hexdigest()[:16]
    fallback = predictor.fallback.meta
    key = f"fusion{predictor.fusion.meta.version}-{fallback.name}{fallback.version}-{digest}"
    path = services.settings.artifacts_dir / "drift" / f"reference-{key}.csv"
    if path.exists():
        return pd.read_csv(path)
    rows = []
    for start in range(0, len(test), 32):
        batch = test[start : start + 32]
        images = [data.image_paths[i].read_bytes() for i in batch]
        for p in predictor.predict_batch(images, [data.texts[i] for i in batch]):
            rows.append((p.category, p.drift_features))
    reference = frame(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    reference.to_csv(path, index=False)
    return reference


def run_and_store(services: Services, window: DriftWindow | None = None) -> StoredDrift:
    """Raises TooFewRows (a message for the user, not a failure) when a window is too small."""
    window = window or DriftWindow()
    with session_scope(services.sessions) as session:
        rows = drift_window_rows(
            session,
            sources=window.sources,
            since=window.since,
            until=window.until,
            limit=window.last,
            never=(REFERENCE_REQUEST_ID,),
        )
    if len(rows) < MIN_ROWS:
        raise TooFewRows(
            f"only {len(rows)} predictions in the window ({window.describe()}; the demo's "
            f"scored test split is the reference and never counts); drift needs at least "
            f"{MIN_ROWS} (run `vitrine drift simulate` to send some)"
        )
    used = WindowUsed(
        min(r.created_at for r in rows),
        max(r.created_at for r in rows),
        dict(sorted(Counter(r.source for r in rows).items())),
    )
    current = frame([(r.category, r.features) for r in rows])
    reference = reference_frame(services)
    folder = services.settings.artifacts_dir / "drift"
    tmp_html = folder / f"report-{uuid.uuid4().hex}.html"
    result = run_drift(reference, current, tmp_html)
    with session_scope(services.sessions) as session:
        row = add_drift_report(
            session,
            window_start=used.first,
            window_end=used.last,
            reference_size=len(reference),
            current_size=len(current),
            share_drifted=result.share_drifted,
            dataset_drift=result.dataset_drift,
            summary={**result.summary, "window": used.as_json()},
        )
        html = folder / f"report-{row.id}.html"
        tmp_html.replace(html)
        set_html_path(session, row.id, str(html.resolve()))
        report_id = row.id
    return StoredDrift(report_id, result, html, used)


def _shift(data: bytes, rng: np.random.Generator) -> bytes:
    """A darker, blurred, rotated copy of a product photo."""
    with Image.open(io.BytesIO(data)) as image:
        shifted = ImageEnhance.Brightness(image.convert("RGB")).enhance(rng.uniform(0.35, 0.6))
        shifted = shifted.filter(ImageFilter.GaussianBlur(rng.uniform(1.5, 3.0)))
        shifted = shifted.rotate(rng.uniform(15, 40), fillcolor=(0, 0, 0))
        out = io.BytesIO()
        shifted.save(out, "JPEG", quality=70)
        return out.getvalue()


def simulate(services: Services, count: int = 60, seed: int = 0) -> int:
    """Send `count` shifted test products through the real prediction path (source batch)."""
    rng = np.random.default_rng(seed)
    data = catalogue_data(services)
    test = data.index("test")
    # Each pick gets its own random shift, so a small test split can be reused.
    chosen = rng.choice(test, size=count, replace=count > len(test))
    images = [_shift(data.image_paths[i].read_bytes(), rng) for i in chosen]
    # Text goes missing too: the fallback model answers these.
    texts: list[str | None] = [None if rng.random() < 0.7 else data.texts[i] for i in chosen]
    request_id = f"drift-simulate-{uuid.uuid4().hex[:8]}"
    recorded = predict_and_record_many(
        services,
        images,
        texts,
        source="batch",
        request_id=request_id,
        product_ids=[data.ids[i] for i in chosen],
    )
    return len(recorded)


__all__ = [
    "DriftWindow",
    "StoredDrift",
    "TooFewRows",
    "WindowUsed",
    "reference_frame",
    "run_and_store",
    "simulate",
]
