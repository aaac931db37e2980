"""When an answer needs a person's review, and why.

Three signals, each set on validation data (never on the answers it judges):
* the calibrated confidence is below the review threshold;
* the conformal prediction set (crepes, 90% coverage by default) holds more than one category
  (the model cannot tell them apart at that coverage) or none (no category fits well enough).
  Calibrated on the validation split, a set covers 90% of photos like the catalogue's but
  only ~83% of photos in an unseen art style; `recalibrated` refits it on answers given to
  unseen styles (the leave-one-style-out answers), which restores ~90% under shift;
* the photo is unlike the catalogue: its mean cosine distance to the 5 nearest training
  embeddings is above the 95th percentile of that distance on validation photos.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from crepes import ConformalClassifier
from crepes.extras import hinge

from ml.wording import N_, Translate, english, joined, listed

# Reason codes, in the order they are reported.
LOW_CONFIDENCE = "low_confidence"
SEVERAL_CATEGORIES = "several_categories"
NO_CATEGORY = "no_category"
UNLIKE_CATALOGUE = "unlike_catalogue"
REASONS = {
    LOW_CONFIDENCE: N_("the model is not confident"),
    SEVERAL_CATEGORIES: N_("it cannot tell these categories apart"),
    NO_CATEGORY: N_("no category fits it well enough"),
    UNLIKE_CATALOGUE: N_("the photo is unlike the catalogue"),
}


@dataclass(frozen=True)
class Doubt:
    needs_review: bool
    reasons: tuple[str, ...]  # codes of REASONS
    prediction_set: tuple[str, ...]  # categories, most probable first
    distance: float  # to the catalogue's nearest training photos (cosine, mean of 5)


def _unit(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    return cast(np.ndarray, rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12))


class DoubtModel:
    """Fitted on the training embeddings and the calibrated validation probabilities."""

    def __init__(
        self, coverage: float = 0.9, distance_quantile: float = 0.95, neighbours: int = 5
    ) -> None:
        self.coverage = coverage
        self.distance_quantile = distance_quantile
        self.neighbours = neighbours

    def fit(
        self,
        train_embeddings: np.ndarray,
        val_embeddings: np.ndarray,
        val_proba: np.ndarray,
        val_labels: np.ndarray,
        classes: Sequence[str],
    ) -> DoubtModel:
        """`val_labels` are indices into `classes`, the columns of `val_proba`."""
        self.classes_ = list(classes)
        # Kept as float16: a few MB for a catalogue of thousands, exact enough for distances.
        self.reference_ = _unit(train_embeddings).astype(np.float16)
        self.distance_threshold_ = float(
            np.quantile(self.distances(val_embeddings), self.distance_quantile)
        )
        self.conformal_ = ConformalClassifier().fit(conformal_scores(val_proba, val_labels))
        self.calibrated_on_ = "validation"
        return self

    def recalibrated(self, scores: np.ndarray, calibrated_on: str) -> DoubtModel:
        """A copy whose conformal sets are calibrated on `scores` (see `conformal_scores`)."""
        if len(scores) == 0:
            raise ValueError("no calibration scores")
        other = copy.copy(self)
        other.conformal_ = ConformalClassifier().fit(np.asarray(scores, dtype=np.float64))
        other.calibrated_on_ = calibrated_on
        return other

    def __getstate__(self) -> dict[str, object]:
        # The float32 copy is a cache: stored as float16 only.
        return {k: v for k, v in self.__dict__.items() if k != "_reference32"}

    def distances(self, embeddings: np.ndarray) -> np.ndarray:
        # Widened once per process, not on every request.
        reference = self.__dict__.get("_reference32")
        if reference is None:
            reference = self._reference32 = self.reference_.astype(np.float32)
        similarity = _unit(embeddings) @ reference.T
        k = min(self.neighbours, similarity.shape[1])
        return cast(np.ndarray, 1.0 - np.sort(similarity, axis=1)[:, -k:].mean(axis=1))

    def prediction_sets(self, proba: np.ndarray) -> np.ndarray:
        """Boolean [N, K]: the categories in each answer's conformal set."""
        sets = self.conformal_.predict_set(hinge(proba), confidence=self.coverage, smoothing=False)
        return np.asarray(sets, dtype=bool)

    def assess(
        self, proba: np.ndarray, embeddings: np.ndarray, review_threshold: float = 0.6
    ) -> list[Doubt]:
        sets = self.prediction_sets(proba)
        distances = self.distances(embeddings)
        out = []
        for row, members, distance in zip(proba, sets, distances, strict=True):
            reasons = []
            if row.max() < review_threshold:
                reasons.append(LOW_CONFIDENCE)
            if members.sum() > 1:
                reasons.append(SEVERAL_CATEGORIES)
            elif members.sum() == 0:
                reasons.append(NO_CATEGORY)
            if distance > self.distance_threshold_:
                reasons.append(UNLIKE_CATALOGUE)
            order = [int(i) for i in np.argsort(-row) if members[i]]
            out.append(
                Doubt(
                    needs_review=bool(reasons),
                    reasons=tuple(reasons),
                    prediction_set=tuple(self.classes_[i] for i in order),
                    distance=float(distance),
                )
            )
        return out


def conformal_scores(proba: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Nonconformity of each answer's true category (1 - its probability): what a conformal
    set is calibrated on. `labels` are column indices into `proba`."""
    return cast(np.ndarray, hinge(proba, np.arange(proba.shape[1]), labels))


def confidence_only(proba: np.ndarray, classes: Sequence[str], review_threshold: float) -> Doubt:
    """The doubt of a model version trained before doubt models existed: confidence alone."""
    best = int(np.argmax(proba))
    low = bool(proba[best] < review_threshold)
    return Doubt(low, (LOW_CONFIDENCE,) if low else (), (classes[best],), float("nan"))


def review_sentence(
    category: str,
    prediction_set: Sequence[str],
    reasons: Sequence[str],
    _: Translate = english,
) -> str:
    """ "Watches or Computers: needs review, because the photo is unlike the catalogue."""
    if not reasons:
        return _("%(category)s: no review needed.", category=_(category))
    named = listed([_(c) for c in (list(prediction_set) or [category])], _)
    why = joined([_(REASONS[r]) for r in reasons if r in REASONS], _)
    return _("%(named)s: needs review, because %(why)s.", named=named, why=why)
