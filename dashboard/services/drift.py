"""Drift monitoring: the test split as reference (features computed exactly as at prediction
time), recent predictions as the current window, an Evidently report stored per run."""

from __future__ import annotations

import hashlib
import io
import uuid
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
from db.repo_predictions import PredictionFilter, recent_drift_rows
from ml.drift import DriftResult, TooFewRows, frame, run_drift

CURRENT_LIMIT = 5000


@dataclass(frozen=True)
class StoredDrift:
    report_id: int
    result: DriftResult
    html_path: Path


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


def run_and_store(
    services: Services, since: datetime | None = None, until: datetime | None = None
) -> StoredDrift:
    """Raises TooFewRows (a message for the user, not a failure) when a window is too small."""
    with session_scope(services.sessions) as session:
        rows = recent_drift_rows(session, PredictionFilter(since=since, until=until), CURRENT_LIMIT)
    current = frame(rows)
    if len(current) < 30:
        raise TooFewRows(
            f"only {len(current)} predictions in the window; drift needs at "
            "least 30 (run `vitrine drift simulate` to send some)"
        )
    reference = reference_frame(services)
    folder = services.settings.artifacts_dir / "drift"
    tmp_html = folder / f"report-{uuid.uuid4().hex}.html"
    result = run_drift(reference, current, tmp_html)
    with session_scope(services.sessions) as session:
        row = add_drift_report(
            session,
            window_start=since,
            window_end=until,
            reference_size=len(reference),
            current_size=len(current),
            share_drifted=result.share_drifted,
            dataset_drift=result.dataset_drift,
            summary=result.summary,
        )
        html = folder / f"report-{row.id}.html"
        tmp_html.replace(html)
        set_html_path(session, row.id, str(html.resolve()))
        report_id = row.id
    return StoredDrift(report_id, result, html)


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


__all__ = ["StoredDrift", "TooFewRows", "reference_frame", "run_and_store", "simulate"]
