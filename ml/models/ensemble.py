"""`ensemble`: the soft vote (mean probability) of the image-only models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from ml.models.inputs import ModelInputs


class SoftVoteClassifier(ClassifierMixin, BaseEstimator):
    """Averages members' probabilities. With `prefit=True` the members are used as given."""

    def __init__(self, estimators: Sequence[tuple[str, Any]] = (), prefit: bool = False) -> None:
        self.estimators = estimators
        self.prefit = prefit

    def fit(
        self, X: ModelInputs, y: np.ndarray, eval_set: tuple[ModelInputs, np.ndarray] | None = None
    ) -> SoftVoteClassifier:
        if not self.estimators:
            raise ValueError("the ensemble needs member models")
        members: list[tuple[str, Any]] = []
        for name, estimator in self.estimators:
            model = estimator if self.prefit else clone(estimator).fit(X, y, eval_set=eval_set)
            members.append((name, model))
        self.estimators_ = members
        self.classes_ = members[0][1].classes_
        for name, model in members:
            if list(model.classes_) != list(self.classes_):
                raise ValueError(f"member {name} has other classes")
        return self

    def predict_proba(self, X: ModelInputs) -> np.ndarray:
        return cast(
            np.ndarray, np.mean([model.predict_proba(X) for _, model in self.estimators_], axis=0)
        )

    def decision_function(self, X: ModelInputs) -> np.ndarray:
        return cast(np.ndarray, np.log(np.clip(self.predict_proba(X), 1e-12, None)))

    def predict(self, X: ModelInputs) -> np.ndarray:
        return cast(np.ndarray, self.classes_[self.predict_proba(X).argmax(axis=1)])

    @property
    def n_parameters_(self) -> int:
        return sum(getattr(model, "n_parameters_", 0) for _, model in self.estimators_)
