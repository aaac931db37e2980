"""The two linear comparison models: a probe on the image embedding, and TF-IDF text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from torch import nn

from ml.models.inputs import ModelInputs, tfidf
from ml.models.served import ServedModel


class _SelectedLogistic(ClassifierMixin, BaseEstimator):
    """Logistic regression whose C is chosen on the validation set when one is given."""

    Cs: Sequence[float]

    def _pipeline(self, C: float) -> Pipeline:
        raise NotImplementedError

    def _features(self, X: ModelInputs) -> object:
        raise NotImplementedError

    def fit(
        self, X: ModelInputs, y: np.ndarray, eval_set: tuple[ModelInputs, np.ndarray] | None = None
    ) -> _SelectedLogistic:
        candidates = list(self.Cs) if eval_set is not None else [self.Cs[len(self.Cs) // 2]]
        best_score, best = -1.0, self._pipeline(candidates[0])
        for C in candidates:
            pipeline = self._pipeline(C).fit(self._features(X), y)
            if eval_set is None:
                best = pipeline
                break
            score = pipeline.score(self._features(eval_set[0]), eval_set[1])
            if score > best_score:
                best_score, best, self.C_ = score, pipeline, C
        self.pipeline_: Pipeline = best
        self.classes_ = self.pipeline_.classes_
        return self

    def decision_function(self, X: ModelInputs) -> np.ndarray:
        return cast(np.ndarray, self.pipeline_.decision_function(self._features(X)))

    def predict_proba(self, X: ModelInputs) -> np.ndarray:
        return cast(np.ndarray, self.pipeline_.predict_proba(self._features(X)))

    def predict(self, X: ModelInputs) -> np.ndarray:
        return cast(np.ndarray, self.pipeline_.predict(self._features(X)))

    @property
    def n_parameters_(self) -> int:
        model = self.pipeline_[-1]
        return int(model.coef_.size + model.intercept_.size)


class LinearProbeClassifier(ServedModel, _SelectedLogistic):
    """`baseline`: standardised backbone embedding -> logistic regression."""

    def __init__(self, Cs: Sequence[float] = (0.01, 0.05, 0.2, 1.0), max_iter: int = 3000) -> None:
        self.Cs = Cs
        self.max_iter = max_iter

    def _pipeline(self, C: float) -> Pipeline:
        return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=self.max_iter))

    def _features(self, X: ModelInputs) -> np.ndarray:
        return X.embeddings

    def serving_module(self) -> nn.Module:
        return ProbeHead(self)


class StageProbeClassifier(LinearProbeClassifier):
    """`stage_probe`: logistic regression on the embedding plus pooled intermediate stages.

    Earlier stages keep shapes and parts, which change less than textures and colours when
    the art style changes, so this probe holds up better on photos unlike the catalogue.
    """

    def _features(self, X: ModelInputs) -> np.ndarray:
        return X.stage_features


class TextClassifier(_SelectedLogistic):
    """`text`: TF-IDF of name and description -> logistic regression."""

    def __init__(
        self, Cs: Sequence[float] = (1.0, 4.0, 16.0), min_df: int = 2, max_iter: int = 3000
    ) -> None:
        self.Cs = Cs
        self.min_df = min_df
        self.max_iter = max_iter

    def _pipeline(self, C: float) -> Pipeline:
        return make_pipeline(tfidf(self.min_df), LogisticRegression(C=C, max_iter=self.max_iter))

    def _features(self, X: ModelInputs) -> list[str]:
        return list(X.texts)


class ProbeHead(nn.Module):
    """A fitted linear probe as one ONNX-exportable layer: embedding [N, D] -> logits [N, K]."""

    mean: torch.Tensor  # buffers, typed for mypy
    scale: torch.Tensor

    def __init__(self, probe: LinearProbeClassifier) -> None:
        # Works for StageProbeClassifier too: the same pipeline over its own feature vector.
        super().__init__()
        scaler, logistic = probe.pipeline_[0], probe.pipeline_[-1]
        self.register_buffer("mean", torch.as_tensor(scaler.mean_, dtype=torch.float32))
        self.register_buffer("scale", torch.as_tensor(scaler.scale_, dtype=torch.float32))
        self.linear = nn.Linear(logistic.coef_.shape[1], logistic.coef_.shape[0])
        with torch.no_grad():
            self.linear.weight.copy_(torch.as_tensor(logistic.coef_, dtype=torch.float32))
            self.linear.bias.copy_(torch.as_tensor(logistic.intercept_, dtype=torch.float32))

    def forward(self, embedding: torch.Tensor) -> torch.Tensor:
        return cast("torch.Tensor", self.linear((embedding - self.mean) / self.scale))
