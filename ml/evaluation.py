"""Test-split metrics every model version records."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score


def expected_calibration_error(proba: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """Weighted mean gap between confidence and accuracy over equal-width confidence bins."""
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == labels
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for low, high in itertools.pairwise(edges):
        in_bin = (confidence > low) & (confidence <= high)
        if in_bin.any():
            ece += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(ece)


def reliability_bins(
    proba: np.ndarray, labels: np.ndarray, bins: int = 10
) -> list[dict[str, float | None]]:
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == labels
    edges = np.linspace(0, 1, bins + 1)
    out = []
    for low, high in itertools.pairwise(edges):
        in_bin = (confidence > low) & (confidence <= high)
        out.append(
            {
                "low": float(low),
                "high": float(high),
                "count": int(in_bin.sum()),
                "confidence": float(confidence[in_bin].mean()) if in_bin.any() else None,
                "accuracy": float(correct[in_bin].mean()) if in_bin.any() else None,
            }
        )
    return out


def classification_metrics(
    proba: np.ndarray, labels: np.ndarray, classes: Sequence[str]
) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class report, confusion matrix, ECE and reliability bins.

    `labels` are class indices into `classes`; `proba` rows sum to 1 over `classes`.
    """
    predicted = proba.argmax(axis=1)
    index = list(range(len(classes)))
    report = classification_report(
        labels,
        predicted,
        labels=index,
        target_names=list(classes),
        output_dict=True,
        zero_division=0,
    )
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "macro_f1": float(
            f1_score(labels, predicted, labels=index, average="macro", zero_division=0)
        ),
        "per_class": {c: {k: float(v) for k, v in report[c].items()} for c in classes},
        "confusion_matrix": confusion_matrix(labels, predicted, labels=index).tolist(),
        "classes": list(classes),
        "ece": expected_calibration_error(proba, labels),
        "reliability": reliability_bins(proba, labels),
        "n_test": len(labels),
    }
