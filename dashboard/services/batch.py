"""Batch scoring of a Flipkart-format CSV through the same path as the UI and the API."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from dashboard.services.audit import safe_cell
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
            outputs: dict[int, dict[str, object]] = {}
            ready = ready_rows(batch, root, outputs)
            good = score_rows(services, ready, request_id, outputs)
            scored += good
            refused += len(batch) - good
            for position in range(len(batch)):
                writer.writerow(outputs[position])
            bar.update(len(batch))
    return BatchResult(len(records), scored, refused, request_id)


def output_row(
    uniq_id: str,
    category: str,
    confidence: float,
    fallback: bool,
    needs_review: bool,
    model: str,
    version: int,
    probabilities: dict[str, float],
) -> dict[str, object]:
    """One scored product as a row of the output CSV (an id a spreadsheet would run as a
    formula is quoted, as in the audit export: results are opened by other people)."""
    return {
        "uniq_id": safe_cell(uniq_id),
        "predicted_category": category,
        "confidence": f"{confidence:.6f}",
        "fallback": fallback,
        "needs_review": needs_review,
        "model": model,
        "model_version": version,
        **{f"p_{c}": f"{v:.6f}" for c, v in probabilities.items()},
        "error": "",
    }


def ready_rows(
    rows: list[dict[str, str]], root: Path, outputs: dict[int, dict[str, object]]
) -> list[tuple[int, dict[str, str], bytes]]:
    """(position, row, image bytes) of the rows whose image is a file right in `root`; the
    others get their error row in `outputs`."""
    ready = []
    for position, row in enumerate(rows):
        name = (row.get("image") or "").strip()
        path = (root / name).resolve()
        if not name or path.parent != root or not path.is_file():
            outputs[position] = {"uniq_id": safe_cell(row["uniq_id"]), "error": "missing image"}
            continue
        ready.append((position, row, path.read_bytes()))
    return ready


def score_rows(
    services: Services,
    ready: list[tuple[int, dict[str, str], bytes]],
    request_id: str,
    outputs: dict[int, dict[str, object]],
    batch_job_id: str | None = None,
) -> int:
    """Score `ready` rows into `outputs` through the one prediction path; how many were."""
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
            batch_job_id=batch_job_id,
        )
    except (ImageRejected, TextRejected):
        # Score image by image only when one is refused, so a bad file costs its own row.
        if len(ready) == 1:
            position, row, _ = ready[0]
            outputs[position] = {
                "uniq_id": safe_cell(row["uniq_id"]),
                "error": "refused image or text",
            }
            return 0
        return sum(
            score_rows(services, [item], request_id, outputs, batch_job_id) for item in ready
        )
    for (position, row, _), result in zip(ready, recorded, strict=True):
        p = result.prediction
        outputs[position] = output_row(
            row["uniq_id"], p.category, p.confidence, p.fallback, p.needs_review, p.model,
            p.version, p.probabilities,
        )  # fmt: skip
    return len(ready)
