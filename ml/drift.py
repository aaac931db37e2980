"""Data drift with Evidently 0.7: a reference window against a current window of predictions,
over the drift features, the predicted category and the embedding summary.

Both decisions hold their false-alarm rate at ALPHA for windows drawn like the reference. The
per-column tests are corrected together (Holm), so "dataset drift" means at least one column
drifted after the correction; eight uncorrected 5% tests alarmed on about a third of normal
windows. The embedding detector (Evidently's domain classifier) is compared with the 95th
percentile of the ROC AUC that an uninformative classifier reaches on the same split (Evidently's
own bootstrap), not with a fixed 0.55, which 80 normal products crossed.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
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
ALPHA = 0.05  # the false-alarm rate each decision allows on reference-like windows
NULL_DRAWS = 1000


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


def holm(columns: list[dict[str, Any]], alpha: float = ALPHA) -> None:
    """Decide the p-value columns together (Holm's step-down), so that a window drawn like the
    reference flags any of them at most `alpha` of the time; adds each column's adjusted p."""
    from statsmodels.stats.multitest import multipletests

    tested = [c for c in columns if "p_value" in c["method"]]
    if not tested:
        return
    reject, adjusted, _, _ = multipletests([c["value"] for c in tested], alpha, method="holm")
    for column, drifted, p in zip(tested, reject, adjusted, strict=True):
        column["p_adjusted"] = float(p)
        column["drifted"] = bool(drifted)


def embedding_threshold(n_reference: int, n_current: int, alpha: float = ALPHA) -> float:
    """The ROC AUC an uninformative classifier exceeds `alpha` of the time on the half of the
    rows Evidently's domain classifier is scored on (its split: half, random_state 42)."""
    from scipy.stats import rankdata
    from sklearn.model_selection import train_test_split

    labels = np.r_[np.ones(n_reference), np.zeros(n_current)]
    _, y_test = train_test_split(labels, test_size=0.5, random_state=42, shuffle=True)
    positive = y_test == 1
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    # ROC AUC of random scores, all draws at once (Mann-Whitney: from the positives' ranks).
    ranks = rankdata(np.random.default_rng(0).random((NULL_DRAWS, len(y_test))), axis=1)
    auc = (ranks[:, positive].sum(axis=1) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    return float(np.quantile(auc, 1 - alpha))


def run_drift(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    html_path: Path | None = None,
) -> DriftResult:
    """Compare `current` with `reference`; write Evidently's HTML report when asked."""
    from evidently import DataDefinition, Dataset, Report
    from evidently.legacy.metrics.data_drift.embedding_drift_methods import model
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
            DataDriftPreset(columns=[*NUMERIC_FEATURES, CATEGORY]),
            # Evidently's HTML then judges it with the same bootstrap rule as the summary.
            EmbeddingsDrift(
                embeddings_name="image_embedding",
                drift_method=model(bootstrap=True, quantile_probability=1 - ALPHA),
            ),
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
            threshold = embedding_threshold(len(reference), len(current))
            embedding = {
                "value": value,
                "threshold": round(threshold, 4),
                "drifted": value > threshold,
                "method": "classifier ROC AUC",
            }
    holm(columns)
    drifted = sum(c["drifted"] for c in columns)
    share = drifted / len(columns) if columns else 0.0
    dataset_drift = drifted > 0
    summary = {
        "columns": columns,
        "embedding_drift": embedding,
        "drifted_columns": drifted,
        "share_drifted": share,
        "dataset_drift": dataset_drift,
        "correction": f"Holm across the {len(columns)} columns at {ALPHA:g}",
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
    return DriftResult(summary, share, dataset_drift)
