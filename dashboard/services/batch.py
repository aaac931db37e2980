"""Batch scoring of a Flipkart-format CSV through the same path as the UI and the API."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from dashboard.services.prediction import TextRejected, predict_and_record_many
from dashboard.services.state import Services
from ml.catalogue import read_csv
from ml.images import ImageRejected
from ml.models.inputs import product_text

BASE_COLUMNS = [
    "uniq_id",
    "predicted_category",
    "confidence",
    "fallback",
    "needs_review",
    "model",
    "model_version",
]


@dataclass(frozen=True)
class BatchResult:
    rows: int
    scored: int
    refused: int
    request_id: str


def score_csv(
    services: Services,
    csv_path: Path,
    images_dir: Path,
    out_path: Path,
    *,
    classes: list[str],
    batch_size: int = 32,
    progress: bool = True,
) -> BatchResult:
    frame = read_csv(csv_path, required=("uniq_id", "image"))
    request_id = f"batch-{uuid.uuid4().hex[:12]}"
    root = images_dir.resolve()
    columns = [*BASE_COLUMNS, *(f"p_{c}" for c in classes), "error"]
    scored = refused = 0
    records = frame.to_dict("records")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with (
        out_path.open("w", newline="", encoding="utf-8") as handle,
        tqdm(total=len(records), desc="scoring", unit="product", disable=not progress) as bar,
    ):
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for start in range(0, len(records), batch_size):
            batch = records[start : start + batch_size]
            ready, outputs = [], {}
            for position, row in enumerate(batch):
                path = (root / row["image"].strip()).resolve()
                if not row["image"].strip() or path.parent != root or not path.is_file():
                    outputs[position] = {"uniq_id": row["uniq_id"], "error": "missing image"}
                    continue
                ready.append((position, row, path.read_bytes()))
            # Score image by image inside the batch only when one is refused, so a bad file
            # costs its own row, not the batch.
            good = _score(services, ready, request_id, outputs)
            scored += good
            refused += len(batch) - good
            for position in range(len(batch)):
                writer.writerow(outputs[position])
            bar.update(len(batch))
    return BatchResult(len(records), scored, refused, request_id)


def _score(services: Services, ready: list, request_id: str, outputs: dict) -> int:
    if not ready:
        return 0
    texts = [product_text(row.get("product_name"), row.get("description")) for _, row, _ in ready]
    try:
        recorded = predict_and_record_many(
            services,
            [data for _, _, data in ready],
            texts,
            source="batch",
            request_id=request_id,
            product_ids=[row["uniq_id"] or None for _, row, _ in ready],
        )
    except (ImageRejected, TextRejected):
        if len(ready) == 1:
            position, row, _ = ready[0]
            outputs[position] = {"uniq_id": row["uniq_id"], "error": "refused image or text"}
            return 0
        return sum(_score(services, [item], request_id, outputs) for item in ready)
    for (position, row, _), result in zip(ready, recorded, strict=True):
        p = result.prediction
        outputs[position] = {
            "uniq_id": row["uniq_id"],
            "predicted_category": p.category,
            "confidence": f"{p.confidence:.6f}",
            "fallback": p.fallback,
            "needs_review": p.needs_review,
            "model": p.model,
            "model_version": p.version,
            **{f"p_{c}": f"{v:.6f}" for c, v in p.probabilities.items()},
            "error": "",
        }
    return len(ready)
