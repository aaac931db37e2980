"""scikit-learn style estimators around small PyTorch heads trained on cached features."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from torch import nn
from tqdm import tqdm

from ml.calibration import softmax
from ml.models.inputs import ModelInputs

_epoch_bar: ContextVar[str | None] = ContextVar("epoch_bar", default=None)


@contextmanager
def epoch_progress(label: str | None) -> Iterator[None]:
    """Heads fitted inside show a progress bar over their epochs, named `label` (training
    does; the style-shift folds, which fit dozens of heads, do not)."""
    token = _epoch_bar.set(label)
    try:
        yield
    finally:
        _epoch_bar.reset(token)


class TorchHeadClassifier(ClassifierMixin, BaseEstimator):
    """Subclasses say how to build the module (`_build`) and feed it (`_tensors`).

    `fit(X, y, eval_set=(X_val, y_val))` keeps the epoch with the best validation accuracy
    (ties: lower loss): the selection on validation the training pipeline relies on.
    """

    def __init__(
        self,
        *,
        epochs: int = 60,
        lr: float = 2e-3,
        weight_decay: float = 1e-3,
        batch_size: int = 64,
        random_state: int = 0,
    ) -> None:
        self.epochs = epochs
        self.lr = lr
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.random_state = random_state

    # -- to implement -------------------------------------------------------------------
    def _build(self, X: ModelInputs, n_classes: int) -> nn.Module:
        raise NotImplementedError

    def _tensors(self, X: ModelInputs) -> tuple[torch.Tensor, ...]:
        raise NotImplementedError

    def _prepare(self, X: ModelInputs, y: np.ndarray) -> None:
        """Fit any preprocessing (vocabulary, scaling) on the training data."""

    def _training_view(self, X: ModelInputs) -> ModelInputs:
        """The training rows as the module should see them (augmentation hook)."""
        return X

    def _loss(self, output: Any, target: torch.Tensor) -> torch.Tensor:
        return nn.functional.cross_entropy(output, target)

    @staticmethod
    def _logits(output: Any) -> torch.Tensor:
        return cast("torch.Tensor", output[0] if isinstance(output, tuple) else output)

    # -- scikit-learn API ---------------------------------------------------------------
    def fit(
        self, X: ModelInputs, y: np.ndarray, eval_set: tuple[ModelInputs, np.ndarray] | None = None
    ) -> TorchHeadClassifier:
        torch.manual_seed(self.random_state)
        rng = np.random.default_rng(self.random_state)
        self.classes_ = np.unique(y)
        index = {c: i for i, c in enumerate(self.classes_)}
        target = torch.tensor([index[c] for c in y], dtype=torch.long)
        self._prepare(X, np.asarray(y))
        module = self._build(X, len(self.classes_))
        tensors = self._tensors(self._training_view(X))
        val = None
        if eval_set is not None:
            val = (
                self._tensors(eval_set[0]),
                torch.tensor([index[c] for c in eval_set[1]], dtype=torch.long),
            )
        optimiser = torch.optim.AdamW(
            module.parameters(), lr=self.lr, weight_decay=self.weight_decay
        )
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=self.epochs)
        best: tuple[float, float] = (-1.0, float("inf"))
        best_state = copy.deepcopy(module.state_dict())
        self.best_epoch_ = self.epochs
        label = _epoch_bar.get()
        epochs = tqdm(
            range(self.epochs), desc=label, unit="epoch", disable=label is None, leave=False
        )
        for epoch in epochs:
            module.train()
            order = rng.permutation(len(target))
            for start in range(0, len(order), self.batch_size):
                batch = torch.from_numpy(order[start : start + self.batch_size])
                optimiser.zero_grad()
                loss = self._loss(module(*(t[batch] for t in tensors)), target[batch])
                torch.autograd.backward(loss)
                optimiser.step()
            schedule.step()
            if val is not None:
                module.eval()
                with torch.no_grad():
                    logits = self._logits(module(*val[0]))
                    val_loss = float(nn.functional.cross_entropy(logits, val[1]))
                    val_acc = float((logits.argmax(1) == val[1]).float().mean())
                if (val_acc, -val_loss) > (best[0], -best[1]):
                    best = (val_acc, val_loss)
                    best_state = copy.deepcopy(module.state_dict())
                    self.best_epoch_ = epoch + 1
        if val is not None:
            module.load_state_dict(best_state)
        self.module_ = module.eval()
        return self

    def decision_function(self, X: ModelInputs) -> np.ndarray:
        with torch.no_grad():
            return self._logits(self.module_(*self._tensors(X))).numpy()

    def predict_proba(self, X: ModelInputs) -> np.ndarray:
        return softmax(self.decision_function(X))

    def predict(self, X: ModelInputs) -> np.ndarray:
        return cast(np.ndarray, self.classes_[self.decision_function(X).argmax(axis=1)])

    @property
    def n_parameters_(self) -> int:
        return sum(p.numel() for p in self.module_.parameters())


class FeatureMapHeadClassifier(TorchHeadClassifier):
    """A head over the backbone's feature map, scaled by one factor learned on training rows
    (the module divides by it, so the exported graph takes the raw feature map)."""

    def _prepare(self, X: ModelInputs, y: np.ndarray) -> None:
        self.scale_ = float(np.abs(X.fmaps).mean() + 1e-6)

    def _tensors(self, X: ModelInputs) -> tuple[torch.Tensor, ...]:
        return (torch.from_numpy(X.fmaps.astype(np.float32)),)
