"""The review flag: conformal sets that cover as promised, photos unlike the catalogue caught,
and reasons said in words."""

from __future__ import annotations

import numpy as np

from ml.doubt import (
    LOW_CONFIDENCE,
    NO_CATEGORY,
    SEVERAL_CATEGORIES,
    UNLIKE_CATALOGUE,
    DoubtModel,
    conformal_scores,
    review_sentence,
)

CLASSES = ["Watches", "Computers", "Baby Care"]


def _draw(rng: np.random.Generator, n: int, shift: float = 0.0) -> tuple[np.ndarray, ...]:
    """Embeddings around 3 class centres, and probabilities from a model right ~80% of the time."""
    labels = rng.integers(0, 3, n)
    centres = np.eye(3, 16) * 6 + 1.0
    embeddings = centres[labels] + rng.normal(0, 1, (n, 16))
    embeddings[:, 3:] += shift
    logits = rng.normal(0, 1, (n, 3))
    logits[np.arange(n), labels] += 1.8
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return embeddings, proba, labels


def test_conformal_sets_cover_the_truth_as_promised() -> None:
    rng = np.random.default_rng(0)
    train, _, _ = _draw(rng, 600)
    val_e, val_p, val_y = _draw(rng, 800)
    _, test_p, test_y = _draw(rng, 3000)
    doubt = DoubtModel(coverage=0.9).fit(train, val_e, val_p, val_y, CLASSES)
    sets = doubt.prediction_sets(test_p)
    coverage = sets[np.arange(len(test_y)), test_y].mean()
    assert 0.87 <= coverage <= 0.94, coverage
    assert 1.0 < sets.sum(axis=1).mean() < 3.0  # doubt is spread, not all-or-nothing


def test_sets_recalibrated_on_shifted_answers_cover_them_again() -> None:
    """A model that is right less often on a new style: validation-calibrated sets fall short
    of 90% there, sets recalibrated on answers to other unseen styles keep the promise."""
    rng = np.random.default_rng(1)
    train, _, _ = _draw(rng, 600)
    val_e, val_p, val_y = _draw(rng, 800)
    doubt = DoubtModel(coverage=0.9).fit(train, val_e, val_p, val_y, CLASSES)

    def shifted(n: int) -> tuple[np.ndarray, np.ndarray]:
        labels = rng.integers(0, 3, n)
        logits = rng.normal(0, 1, (n, 3))
        logits[np.arange(n), labels] += 0.6  # weaker evidence for the truth than in validation
        return np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True), labels

    other_p, other_y = shifted(800)
    test_p, test_y = shifted(3000)
    rows = np.arange(len(test_y))
    before = doubt.prediction_sets(test_p)[rows, test_y].mean()
    again = doubt.recalibrated(conformal_scores(other_p, other_y), "other styles")
    after = again.prediction_sets(test_p)[rows, test_y].mean()
    assert before < 0.85 and 0.87 <= after <= 0.94, (before, after)
    assert again.calibrated_on_ == "other styles" and doubt.calibrated_on_ == "validation"
    assert again.distance_threshold_ == doubt.distance_threshold_  # only the sets change


def test_photos_unlike_the_catalogue_are_flagged_and_others_rarely() -> None:
    rng = np.random.default_rng(1)
    train, _, _ = _draw(rng, 600)
    val_e, val_p, val_y = _draw(rng, 400)
    doubt = DoubtModel().fit(train, val_e, val_p, val_y, CLASSES)
    like_e, like_p, _ = _draw(rng, 1000)
    unlike_e, unlike_p, _ = _draw(rng, 300, shift=4.0)
    like = [UNLIKE_CATALOGUE in d.reasons for d in doubt.assess(like_p, like_e)]
    unlike = [UNLIKE_CATALOGUE in d.reasons for d in doubt.assess(unlike_p, unlike_e)]
    assert np.mean(like) < 0.1
    assert np.mean(unlike) > 0.9


def test_each_reason_and_the_set_in_probability_order() -> None:
    rng = np.random.default_rng(2)
    train, _, _ = _draw(rng, 300)
    val_e, val_p, val_y = _draw(rng, 300)
    doubt = DoubtModel().fit(train, val_e, val_p, val_y, CLASSES)
    unsure = np.array([[0.45, 0.40, 0.15]])
    [judged] = doubt.assess(unsure, train[:1], review_threshold=0.6)
    assert judged.needs_review
    assert judged.reasons[:2] == (LOW_CONFIDENCE, SEVERAL_CATEGORIES)
    assert judged.prediction_set[:2] == ("Watches", "Computers")
    sure = np.array([[0.01, 0.98, 0.01]])
    [judged] = doubt.assess(sure, train[:1], review_threshold=0.6)
    assert (judged.needs_review, judged.reasons, judged.prediction_set) == (
        False,
        (),
        ("Computers",),
    )


def test_an_empty_set_says_no_category_fits() -> None:
    rng = np.random.default_rng(4)
    train, _, _ = _draw(rng, 300)
    val_e, _, val_y = _draw(rng, 300)
    # A model always 90% sure of the right answer: the bar for a set member is p >= 0.9.
    val_p = np.full((300, 3), 0.05)
    val_p[np.arange(300), val_y] = 0.9
    doubt = DoubtModel().fit(train, val_e, val_p, val_y, CLASSES)
    [judged] = doubt.assess(np.array([[0.5, 0.3, 0.2]]), train[:1])
    assert judged.prediction_set == ()
    assert NO_CATEGORY in judged.reasons and SEVERAL_CATEGORIES not in judged.reasons


def test_the_reason_in_words() -> None:
    assert review_sentence("Watches", ("Watches", "Computers"), (UNLIKE_CATALOGUE,)) == (
        "Watches or Computers: needs review, because the photo is unlike the catalogue."
    )
    assert review_sentence(
        "Baby Care",
        ("Baby Care", "Watches", "Computers"),
        (LOW_CONFIDENCE, SEVERAL_CATEGORIES, UNLIKE_CATALOGUE),
    ) == (
        "Baby Care, Watches or Computers: needs review, because the model is not confident, "
        "it cannot tell these categories apart and the photo is unlike the catalogue."
    )
    assert review_sentence("Watches", (), (NO_CATEGORY,)) == (
        "Watches: needs review, because no category fits it well enough."
    )
    assert review_sentence("Watches", ("Watches",), ()) == "Watches: no review needed."
