"""Leave-one-style-out: every held-out style is scored by models that never saw it, a style
unlike the others shows as a drop, and the fallback goes to the model that holds up best."""

from __future__ import annotations

import numpy as np
import pytest

from ml.models.inputs import ModelInputs
from ml.models.registry import choose_fallback
from ml.style_shift import FoldScore, NoStyles, leave_one_style_out, mean_scores, score_fold
from tests.ml.synthetic import synthetic

NAMES = ("baseline", "stage_probe")


def styled(shift: float) -> tuple[ModelInputs, np.ndarray, np.ndarray, np.ndarray]:
    """Three styles of the same classes; style "c" moves every image by `shift` on a fixed
    random direction and scrambles half of each image's features."""
    inputs, labels = synthetic(24, seed=4)
    rng = np.random.default_rng(9)
    styles = np.array(["a", "b", "c"])[np.arange(len(labels)) % 3]
    splits = rng.choice(["train", "validation", "test"], size=len(labels), p=[0.6, 0.15, 0.25])
    embeddings = inputs.embeddings.copy()
    moved = styles == "c"
    direction = rng.normal(0, 1, embeddings.shape[1])
    embeddings[moved] += shift * direction / np.linalg.norm(direction) * 10
    half = embeddings.shape[1] // 2
    embeddings[moved, :half] = rng.permutation(embeddings[moved, :half])
    return (
        ModelInputs(embeddings, inputs.fmaps, inputs.texts),
        labels,
        splits,
        styles,
    )


def test_each_style_is_held_out_once_for_each_model() -> None:
    inputs, labels, splits, styles = styled(shift=0.0)
    shift = leave_one_style_out(inputs, labels, splits, styles, NAMES, progress=False)
    scores = shift.folds
    assert [(s.style, s.model) for s in scores] == [
        (style, name) for style in ("a", "b", "c") for name in NAMES
    ]
    for score in scores:
        assert score.n == int((styles == score.style).sum())  # every product of the set
        assert 0 <= score.flagged <= 1 and 0 <= score.ece <= 1
    means = mean_scores(scores)
    for name in NAMES:
        per_style = [s.accuracy for s in scores if s.model == name]
        assert means[name]["accuracy"] == pytest.approx(np.mean(per_style))
        # One conformal score per held-out answer, for the served sets to calibrate on.
        assert len(shift.conformal_scores[name]) == len(labels)


def every_style_its_own(n_styles: int) -> tuple[ModelInputs, np.ndarray, np.ndarray, np.ndarray]:
    """Like real art sets: each style scrambles its own fifth of the features, so every
    held-out style is a shift for models trained on the others."""
    inputs, labels = synthetic(40, seed=5)
    rng = np.random.default_rng(11)
    styles = np.array([f"s{i}" for i in range(n_styles)])[np.arange(len(labels)) % n_styles]
    splits = rng.choice(["train", "validation", "test"], size=len(labels), p=[0.6, 0.15, 0.25])
    embeddings = inputs.embeddings.copy()
    dim = embeddings.shape[1]
    for i in range(n_styles):
        rows = np.where(styles == f"s{i}")[0]
        cols = rng.choice(dim, size=dim // 5, replace=False)
        embeddings[np.ix_(rows, cols)] = rng.permutation(embeddings[np.ix_(rows, cols)])
        embeddings[rows] += rng.normal(0, 1.0, dim)  # and a style offset
    return ModelInputs(embeddings, inputs.fmaps, inputs.texts), labels, splits, styles


def test_sets_calibrated_across_styles_keep_their_coverage_on_unseen_styles() -> None:
    inputs, labels, splits, styles = every_style_its_own(5)
    folds = leave_one_style_out(inputs, labels, splits, styles, ("baseline",), progress=False).folds
    across = np.mean([f.set_coverage for f in folds])
    in_style = np.mean([f.set_coverage_in_style for f in folds])
    # Validation photos look like the training ones, so sets calibrated on them are too small
    # for a style never seen; calibrated on the answers to the other held-out styles, they
    # come back to about the 90% promised.
    assert in_style < 0.86 and across >= 0.86, (in_style, across)
    assert np.mean([f.set_size for f in folds]) > np.mean([f.set_size_in_style for f in folds])


def test_a_style_unlike_the_others_shows_as_a_drop() -> None:
    inputs, labels, splits, styles = styled(shift=1.0)
    scores = leave_one_style_out(inputs, labels, splits, styles, ("baseline",), progress=False)
    accuracy = {s.style: s.accuracy for s in scores.folds}
    assert accuracy["a"] > 0.8 and accuracy["b"] > 0.8
    assert accuracy["c"] < accuracy["a"] - 0.2, accuracy


def test_held_out_styles_fitted_at_once_give_the_same_report_as_one_at_a_time() -> None:
    inputs, labels, splits, styles = every_style_its_own(5)
    reports = [
        leave_one_style_out(inputs, labels, splits, styles, NAMES, progress=False, workers=workers)
        for workers in (1, 3)
    ]
    alone, together = reports
    assert [f.to_dict() for f in together.folds] == [f.to_dict() for f in alone.folds]
    for name in NAMES:
        np.testing.assert_array_equal(together.conformal_scores[name], alone.conformal_scores[name])


def test_one_style_is_not_enough() -> None:
    inputs, labels, splits, _ = styled(shift=0.0)
    with pytest.raises(NoStyles):
        leave_one_style_out(inputs, labels, splits, np.array(["a"] * len(labels)), NAMES)


def test_flags_and_accuracy_among_answers_not_flagged() -> None:
    proba = np.array([[0.9, 0.1], [0.55, 0.45], [0.2, 0.8], [0.4, 0.6]])
    labels = np.array([0, 1, 1, 0])  # right, wrong, right, wrong
    score = score_fold("x", "m", proba, labels, needs_review=proba.max(axis=1) < 0.7)
    assert score.accuracy == 0.5
    assert score.flagged == 0.5  # the 0.55 and 0.6 answers
    assert score.unflagged_accuracy == 1.0
    everything = score_fold("x", "m", proba, labels, needs_review=np.ones(4, bool))
    assert everything.unflagged_accuracy is None


def test_a_category_an_art_set_never_draws_does_not_count_against_it() -> None:
    proba = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1]])  # 3 categories, the third never drawn
    score = score_fold("x", "m", proba, np.array([0, 1]), needs_review=np.zeros(2, bool))
    assert score.accuracy == 1.0 and score.macro_f1 == 1.0


def test_fallback_is_the_best_measured_candidate() -> None:
    assert choose_fallback({"vit": 0.64, "stage_probe": 0.69, "baseline": 0.66}) == "stage_probe"
    # Not measured is passed over; comparison-only models never serve.
    assert choose_fallback({"vit": None, "baseline": 0.66, "pancan_lite": 0.9}) == "baseline"
    assert choose_fallback({"vit": None, "stage_probe": None}) == "vit"  # the old default
    assert choose_fallback({"stage_probe": None}) == "stage_probe"
    with pytest.raises(ValueError):
        choose_fallback({"fusion": 0.95})


def test_pooled_unflagged_accuracy_counts_each_answer_once() -> None:
    big = FoldScore(
        "big", "m", n=100, accuracy=0.7, macro_f1=0.7, ece=0.1, flagged=0.5, unflagged_accuracy=1.0
    )
    small = FoldScore(
        "small", "m", n=10, accuracy=0.2, macro_f1=0.2, ece=0.3, flagged=0.8, unflagged_accuracy=0.0
    )
    means = mean_scores([big, small])["m"]
    # Two wrong answers not flagged in a small set halve the per-set mean...
    assert means["unflagged_accuracy"] == pytest.approx(0.5)
    # ...but they are 2 of the 52 answers not flagged.
    assert means["unflagged_accuracy_pooled"] == pytest.approx(50 / 52)
