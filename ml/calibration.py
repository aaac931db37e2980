"""Temperature scaling: one scalar fitted on validation so confidences match accuracy."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from scipy.optimize import minimize_scalar


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return cast(np.ndarray, exp / exp.sum(axis=1, keepdims=True))


def _nll(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    probs = softmax(logits / temperature)
    return float(-np.mean(np.log(np.clip(probs[np.arange(len(labels)), labels], 1e-12, None))))


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature in [0.05, 20] that minimises validation negative log-likelihood."""
    result = minimize_scalar(
        lambda log_t: _nll(logits, labels, float(np.exp(log_t))),
        bounds=(np.log(0.05), np.log(20.0)),
        method="bounded",
    )
    return float(np.exp(result.x))


def calibrated_proba(logits: np.ndarray, temperature: float) -> np.ndarray:
    return softmax(logits / temperature)


class TemperatureScaled:
    """A fitted classifier whose probabilities are softmax(decision_function / temperature)."""

    def __init__(self, estimator: Any, temperature: float) -> None:
        self.estimator = estimator
        self.temperature = temperature
        self.classes_ = estimator.classes_

    def decision_function(self, X: object) -> np.ndarray:
        return cast(np.ndarray, self.estimator.decision_function(X))

    def predict_proba(self, X: object) -> np.ndarray:
        return calibrated_proba(self.decision_function(X), self.temperature)

    def predict(self, X: object) -> np.ndarray:
        return cast(np.ndarray, self.classes_[self.predict_proba(X).argmax(axis=1)])

    @property
    def n_parameters_(self) -> int:
        return int(getattr(self.estimator, "n_parameters_", 0))
