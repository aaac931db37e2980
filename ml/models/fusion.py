"""`fusion`, the primary model: an image branch and a text branch, fused late by stacking.

Each branch is a linear classifier on its own modality (the standardised backbone embedding;
TF-IDF of name and description). The fusion layer pools both branches' log-probabilities
(one weight per branch, one bias per class), learned on out-of-fold predictions of the
training rows: fitted on in-sample predictions it would just learn to trust whichever branch
memorised the training set (the text), and stop helping where that branch is weak.

The whole head is linear algebra, exported to ONNX as one small graph (`module_`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import joblib
import numpy as np
import torch
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from torch import nn

from ml.artifacts import TEXT_BRANCH, TFIDF, VECTORIZER
from ml.models.inputs import ModelInputs, tfidf
from ml.models.served import ServedModel


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    return cast(np.ndarray, shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))


@dataclass(frozen=True)
class PoolingWeights:
    """Log-linear pooling: fused = image_weight * log p_image + text_weight * log p_text + bias.

    Two scalars and one bias per class: few enough to learn from the out-of-fold outputs of
    a small catalogue without overfitting them.
    """

    image_weight: float
    text_weight: float
    bias: np.ndarray

    @property
    def coef_(self) -> np.ndarray:
        k = len(self.bias)
        return np.hstack([self.image_weight * np.eye(k), self.text_weight * np.eye(k)])

    @property
    def intercept_(self) -> np.ndarray:
        return self.bias


def fit_pooling(
    image_logp: np.ndarray, text_logp: np.ndarray, labels: np.ndarray, l2: float = 1e-2
) -> PoolingWeights:
    """Weights minimising the cross-entropy of the pooled scores (L-BFGS, weights >= 0)."""
    n, k = image_logp.shape
    rows = np.arange(n)

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        a, b, bias = params[0], params[1], params[2:]
        logp = _log_softmax(a * image_logp + b * text_logp + bias)
        grad_fused = np.exp(logp)
        grad_fused[rows, labels] -= 1
        grad_fused /= n
        grad = np.concatenate(
            [
                [(grad_fused * image_logp).sum(), (grad_fused * text_logp).sum()],
                grad_fused.sum(axis=0) + 2 * l2 * bias,
            ]
        )
        return float(-logp[rows, labels].mean() + l2 * float(bias @ bias)), grad

    start = np.concatenate([[1.0, 1.0], np.zeros(k)])
    bounds = [(0.0, None), (0.0, None)] + [(None, None)] * k
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    return PoolingWeights(float(result.x[0]), float(result.x[1]), result.x[2:].copy())


class LateFusionHead(nn.Module):
    """(embedding [N, D], tfidf [N, V]) -> fused logits [N, K]; weights copied from the fit."""

    mean: torch.Tensor  # buffers, typed for mypy
    std: torch.Tensor

    def __init__(
        self,
        mean: np.ndarray,
        std: np.ndarray,
        image: LogisticRegression,
        text: LogisticRegression,
        fuse: PoolingWeights,
    ) -> None:
        super().__init__()

        def tensor(array: np.ndarray) -> torch.Tensor:
            return torch.as_tensor(np.asarray(array, dtype=np.float32))

        self.register_buffer("mean", tensor(mean))
        self.register_buffer("std", tensor(std))
        self.image = nn.Linear(image.coef_.shape[1], image.coef_.shape[0])
        self.text = nn.Linear(text.coef_.shape[1], text.coef_.shape[0])
        self.fuse = nn.Linear(fuse.coef_.shape[1], fuse.coef_.shape[0])
        with torch.no_grad():
            for layer, model in ((self.image, image), (self.text, text), (self.fuse, fuse)):
                layer.weight.copy_(tensor(model.coef_))
                layer.bias.copy_(tensor(model.intercept_))

    def forward(self, embedding: torch.Tensor, tfidf_vector: torch.Tensor) -> torch.Tensor:
        image = torch.log_softmax(self.image((embedding - self.mean) / self.std), dim=1)
        text = torch.log_softmax(self.text(tfidf_vector), dim=1)
        return cast("torch.Tensor", self.fuse(torch.cat([image, text], dim=1)))


class FusionClassifier(ServedModel, ClassifierMixin, BaseEstimator):
    def __init__(
        self,
        *,
        image_C: float = 0.05,
        text_C: float = 8.0,
        fuse_l2: float = 1e-2,
        folds: int = 5,
        min_df: int = 2,
        max_iter: int = 3000,
        random_state: int = 0,
    ) -> None:
        self.image_C = image_C
        self.text_C = text_C
        self.fuse_l2 = fuse_l2
        self.folds = folds
        self.min_df = min_df
        self.max_iter = max_iter
        self.random_state = random_state

    def text_vectors(self, texts: tuple[str, ...] | list[str]) -> np.ndarray:
        return cast(np.ndarray, self.vectorizer_.transform(texts).toarray().astype(np.float32))

    def serving_module(self) -> nn.Module:
        return cast(nn.Module, self.module_)

    def serving_arrays(self, X: ModelInputs) -> dict[str, np.ndarray]:
        return {**super().serving_arrays(X), TFIDF: self.text_vectors(X.texts)}

    def export_serving(self, X: ModelInputs, inputs: Sequence[str], folder: Path) -> None:
        super().export_serving(X, inputs, folder)
        # Serving applies the vocabulary in scikit-learn, and explains words with the text
        # branch, both without PyTorch.
        joblib.dump(self.vectorizer_, folder / VECTORIZER)
        joblib.dump(self.text_, folder / TEXT_BRANCH)

    def _branches(
        self, embeddings: np.ndarray, tfidf_vectors: np.ndarray, y: np.ndarray
    ) -> tuple[LogisticRegression, LogisticRegression]:
        image = LogisticRegression(C=self.image_C, max_iter=self.max_iter)
        text = LogisticRegression(C=self.text_C, max_iter=self.max_iter)
        image.fit(self._scaled(embeddings), y)
        text.fit(tfidf_vectors, y)
        return image, text

    def _scaled(self, embeddings: np.ndarray) -> np.ndarray:
        return cast(np.ndarray, (embeddings - self.mean_) / self.std_)

    def _stack(
        self,
        image: LogisticRegression,
        text: LogisticRegression,
        embeddings: np.ndarray,
        tfidf_vectors: np.ndarray,
    ) -> np.ndarray:
        return np.hstack(
            [
                _log_softmax(image.decision_function(self._scaled(embeddings))),
                _log_softmax(text.decision_function(tfidf_vectors)),
            ]
        )

    def fit(
        self, X: ModelInputs, y: np.ndarray, eval_set: tuple[ModelInputs, np.ndarray] | None = None
    ) -> FusionClassifier:
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        self.vectorizer_ = tfidf(self.min_df).fit(X.texts)
        vectors = self.text_vectors(X.texts)
        self.mean_ = X.embeddings.mean(axis=0)
        self.std_ = X.embeddings.std(axis=0) + 1e-6
        # Out-of-fold branch outputs: what the fusion layer will see on new products.
        stacked = np.zeros((len(y), 2 * len(self.classes_)), dtype=np.float64)
        smallest = int(np.unique(y, return_counts=True)[1].min())
        n_splits = min(self.folds, smallest)
        if n_splits >= 2:
            folds = StratifiedKFold(n_splits, shuffle=True, random_state=self.random_state)
            for fit_index, held_out in folds.split(X.embeddings, y):
                image, text = self._branches(
                    X.embeddings[fit_index], vectors[fit_index], y[fit_index]
                )
                stacked[held_out] = self._stack(
                    image, text, X.embeddings[held_out], vectors[held_out]
                )
        self.image_, self.text_ = self._branches(X.embeddings, vectors, y)
        if n_splits < 2:
            # A class with a single example: no held-out rows to learn from, so in-sample.
            stacked = self._stack(self.image_, self.text_, X.embeddings, vectors)
        index = {c: i for i, c in enumerate(self.classes_)}
        k = len(self.classes_)
        self.fuse_ = fit_pooling(
            stacked[:, :k], stacked[:, k:], np.array([index[c] for c in y]), l2=self.fuse_l2
        )
        self.module_ = LateFusionHead(
            self.mean_, self.std_, self.image_, self.text_, self.fuse_
        ).eval()
        return self

    def decision_function(self, X: ModelInputs) -> np.ndarray:
        with torch.no_grad():
            logits: torch.Tensor = self.module_(
                torch.from_numpy(X.embeddings.astype(np.float32)),
                torch.from_numpy(self.text_vectors(X.texts)),
            )
            return logits.numpy()

    def predict_proba(self, X: ModelInputs) -> np.ndarray:
        logits = self.decision_function(X)
        return cast(np.ndarray, np.exp(_log_softmax(logits)))

    def predict(self, X: ModelInputs) -> np.ndarray:
        return cast(np.ndarray, self.classes_[self.decision_function(X).argmax(axis=1)])

    @property
    def n_parameters_(self) -> int:
        return sum(p.numel() for p in self.module_.parameters())
