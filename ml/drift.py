"""Data drift with Evidently 0.7: a reference window against a current window of predictions,
over the drift features, the predicted category and the embedding summary."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

NUMERIC_FEATURES = (
    "brightness",
    "contrast",
    "colourfulness",
    "aspect_ratio",
    "file_kb",
    "text_length",
    "embedding_norm",
)
EMBEDDING_COLUMNS = tuple(f"embedding_{i}" for i in range(4))
CATEGORY = "category"
MIN_ROWS = 30
EMBEDDING_DRIFT_THRESHOLD = 0.55  # Evidently's default classifier-AUC method


class TooFewRows(ValueError):
    pass


@dataclass(frozen=True)
class DriftResult:
    summary: dict[str, Any]
    share_drifted: float
    dataset_drift: bool


def frame(rows: list[tuple[str, dict[str, float]]]) -> pd.DataFrame:
    """(category, drift features) rows -> the columns drift is measured on."""
    data = [{CATEGORY: category, **features} for category, features in rows]
    out = pd.DataFrame(data)
    for column in (*NUMERIC_FEATURES, *EMBEDDING_COLUMNS):
        if column not in out:
            out[column] = float("nan")
    return out[[*NUMERIC_FEATURES, *EMBEDDING_COLUMNS, CATEGORY]]


def _drifted(method: str, value: float, threshold: float) -> bool:
    # p-value tests drift below the threshold; distances drift at or above it.
    return value < threshold if "p_value" in method else value >= threshold


def run_drift(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    html_path: Path | None = None,
    drift_share: float = 0.5,
) -> DriftResult:
    """Compare `current` with `reference`; write Evidently's HTML report when asked."""
    from evidently import DataDefinition, Dataset, Report
    from evidently.metrics import EmbeddingsDrift
    from evidently.presets import DataDriftPreset

    if len(current) < MIN_ROWS or len(reference) < MIN_ROWS:
        raise TooFewRows(
            f"drift needs at least {MIN_ROWS} predictions in each window; the current window "
            f"has {len(current)} and the reference {len(reference)}"
        )
    definition = DataDefinition(
        numerical_columns=[*NUMERIC_FEATURES, *EMBEDDING_COLUMNS],
        categorical_columns=[CATEGORY],
        embeddings={"image_embedding": list(EMBEDDING_COLUMNS)},
    )
    report = Report(
        [
            DataDriftPreset(columns=[*NUMERIC_FEATURES, CATEGORY], drift_share=drift_share),
            EmbeddingsDrift(embeddings_name="image_embedding"),
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Evidently 0.7 takes the current data first, then the reference.
        snapshot = report.run(
            Dataset.from_pandas(current, data_definition=definition),
            Dataset.from_pandas(reference, data_definition=definition),
        )
    columns, embedding = [], None
    for metric in snapshot.dict()["metrics"]:
        config = metric["config"]
        kind = config.get("type", "")
        if kind.endswith(":ValueDrift"):
            value = float(metric["value"])
            method, threshold = config["method"], float(config["threshold"])
            columns.append(
                {
                    "column": config["column"],
                    "method": method,
                    "value": value,
                    "threshold": threshold,
                    "drifted": _drifted(method, value, threshold),
                }
            )
        elif kind.endswith(":EmbeddingsDrift"):
            value = float(metric["value"])
            embedding = {
                "value": value,
                "threshold": EMBEDDING_DRIFT_THRESHOLD,
                "drifted": value > EMBEDDING_DRIFT_THRESHOLD,
                "method": "classifier ROC AUC",
            }
    drifted = sum(c["drifted"] for c in columns)
    share = drifted / len(columns) if columns else 0.0
    summary = {
        "columns": columns,
        "embedding_drift": embedding,
        "drifted_columns": drifted,
        "share_drifted": share,
        "dataset_drift": share >= drift_share,
        "n_reference": len(reference),
        "n_current": len(current),
        "category_distribution": {
            "reference": reference[CATEGORY].value_counts(normalize=True).round(4).to_dict(),
            "current": current[CATEGORY].value_counts(normalize=True).round(4).to_dict(),
        },
    }
    if html_path is not None:
        html_path.parent.mkdir(parents=True, exist_ok=True)
        snapshot.save_html(str(html_path))
    return DriftResult(summary, share, share >= drift_share)
