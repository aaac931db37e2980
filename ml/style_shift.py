"""Leave-one-style-out: how each model holds up on photos drawn in an art style it never saw.

For every art set of a catalogue, the models are fitted on the other sets (train split, with
selection and calibration on their validation split, the same recipe as training) and scored
on every product of the held-out set. This is the figure the image-only fallback is chosen by;
the in-distribution test split flatters image models that learned the styles they were shown.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

import numpy as np
from sklearn.metrics import f1_score
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from ml.calibration import TemperatureScaled
from ml.doubt import DoubtModel, conformal_scores
from ml.evaluation import expected_calibration_error
from ml.extras import require_train_extra
from ml.models.inputs import ModelInputs, TrainingViews
from ml.models.registry import MODEL_NAMES, card, with_members

# Image-only models, and fusion for reference: the models the shift report covers by default.
# Fusion and every image-only model: all that read the photo.
SHIFT_MODELS = tuple(name for name in MODEL_NAMES if card(name).reads_image)
METRICS = (
    "accuracy",
    "macro_f1",
    "ece",
    "flagged",
    "unflagged_accuracy",
    "set_coverage",
    "set_size",
    "set_coverage_in_style",
    "set_size_in_style",
)


class NoStyles(ValueError):
    pass


@dataclass(frozen=True)
class FoldScore:
    """One model scored on one held-out art set."""

    style: str
    model: str
    n: int
    accuracy: float
    macro_f1: float
    ece: float
    flagged: float  # share of answers flagged for review
    unflagged_accuracy: float | None  # accuracy among the answers not flagged
    set_coverage: float | None = None  # share whose conformal set holds the true category
    set_size: float | None = None  # mean number of categories in the conformal set
    # The same two with the set calibrated on the validation split, as before the sets were
    # calibrated across art sets (for comparison; not what is served).
    set_coverage_in_style: float | None = None
    set_size_in_style: float | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class StyleShift:
    folds: list[FoldScore]
    # Per model, the conformal score of every held-out answer (each given by a model that never
    # saw its art set): what the served doubt model's sets are calibrated on.
    conformal_scores: dict[str, np.ndarray]


@dataclass(frozen=True)
class _Answers:
    proba: np.ndarray
    labels: np.ndarray  # column indices into proba
    embeddings: np.ndarray
    doubt: DoubtModel
    scores: np.ndarray  # conformal score of each answer (ml.doubt.conformal_scores)


def score_fold(
    style: str,
    model: str,
    proba: np.ndarray,
    labels: np.ndarray,
    needs_review: np.ndarray,
    prediction_sets: np.ndarray | None = None,
    in_style_sets: np.ndarray | None = None,
) -> FoldScore:
    """`labels` are class indices into `proba`'s columns; the sets are boolean [N, K]."""
    predicted = proba.argmax(axis=1)
    correct = predicted == labels
    kept = ~needs_review
    rows = np.arange(len(labels))
    return FoldScore(
        style=style,
        model=model,
        n=len(labels),
        accuracy=float(correct.mean()),
        macro_f1=float(
            # Over the categories present in the set or predicted for it: an art set that
            # draws no watch must not score 0 for watches.
            f1_score(
                labels,
                predicted,
                labels=np.union1d(labels, predicted),
                average="macro",
                zero_division=0,
            )
        ),
        ece=expected_calibration_error(proba, labels),
        flagged=float(needs_review.mean()),
        unflagged_accuracy=float(correct[kept].mean()) if kept.any() else None,
        set_coverage=None
        if prediction_sets is None
        else float(prediction_sets[rows, labels].mean()),
        set_size=None if prediction_sets is None else float(prediction_sets.sum(axis=1).mean()),
        set_coverage_in_style=None
        if in_style_sets is None
        else float(in_style_sets[rows, labels].mean()),
        set_size_in_style=None
        if in_style_sets is None
        else float(in_style_sets.sum(axis=1).mean()),
    )


def leave_one_style_out(
    inputs: ModelInputs,
    labels: np.ndarray,
    splits: np.ndarray,
    styles: np.ndarray,
    names: Sequence[str] = SHIFT_MODELS,
    *,
    review_threshold: float = 0.6,
    progress: bool = True,
    report: Callable[[str], None] | None = None,
    views: TrainingViews | None = None,
    workers: int | None = None,
) -> StyleShift:
    """Scores of `names` on each held-out style; products with no style are left out.

    With `views`, models that learn from views are fitted on the views of their training
    photos too (a held-out style's views are never seen: they are views of its photos).

    The review flag is the served one: fitted on the fold's validation split, with its
    conformal set calibrated on the answers the other folds gave to their held-out styles
    (styles the answering models never saw), as served once a report exists.

    Held-out styles are fitted `workers` at a time in threads (default: one per core), or one
    at a time when a model's fit cannot share the process (`ModelCard.fits_in_threads`).
    """
    sets = sorted({str(s) for s in styles if s})
    if len(sets) < 2:
        raise NoStyles("leave-one-style-out needs a catalogue drawn in at least two art sets")
    require_train_extra("the style-shift evaluation")  # it fits models
    # Imported here so that reading stored reports (mean_scores, SHIFT_MODELS) needs no PyTorch.
    from ml.training import fit_calibrated, fit_doubt

    # Members of a soft vote are fitted first (and only scored when asked for).
    order = with_members(names)  # raises UnknownModel for a name no model registered
    steps = tqdm(total=len(sets) * len(order), desc="styles x models", disable=not progress)

    def fit_fold(style: str) -> dict[tuple[str, str], _Answers]:
        held = np.where(styles == style)[0]
        rest = styles != style
        train = np.where(rest & (splits == "train"))[0]
        val = np.where(rest & (splits == "validation"))[0]
        if len(np.unique(labels[train])) < 2 or not np.isin(labels[val], labels[train]).any():
            steps.update(len(order))  # too small a catalogue to fit without this set
            return {}
        fitted: dict[str, TemperatureScaled] = {}
        out: dict[tuple[str, str], _Answers] = {}
        for name in order:
            calibrated = fit_calibrated(
                name, inputs, labels, train, val, members=fitted, views=views
            )
            fitted[name] = calibrated
            steps.update()
            if name not in names:
                continue
            index = {c: i for i, c in enumerate(calibrated.classes_)}
            scored = held[np.array([c in index for c in labels[held]])]
            proba = calibrated.predict_proba(inputs.take(scored))
            y = np.array([index[c] for c in labels[scored]])
            answer = _Answers(
                proba,
                y,
                inputs.embeddings[scored],
                fit_doubt(calibrated, inputs, labels, train, val),
                conformal_scores(proba, y),
            )
            out[style, name] = answer
            if report is not None:
                accuracy = float((answer.proba.argmax(axis=1) == answer.labels).mean())
                report(f"held out {style}: {name} accuracy {accuracy:.3f}")
        return out

    # Folds are independent: on 2 cores two at once took 32 s instead of 61 s for the demo's
    # linear probes (each fit keeps to one BLAS thread; the outer limit stays in force while
    # one thread's fit ends and the other's runs).
    if not all(card(name).fits_in_threads for name in order):
        workers = 1
    answers: dict[tuple[str, str], _Answers] = {}
    with (
        threadpool_limits(limits=1, user_api="blas"),
        ThreadPoolExecutor(max(1, min(workers or os.cpu_count() or 1, len(sets)))) as pool,
    ):
        for fold in pool.map(fit_fold, sets):  # in the order of `sets`, whatever ends first
            answers.update(fold)
    steps.close()
    if not answers:
        raise NoStyles("too few products per art set to fit the models with one set held out")
    folds = []
    for (style, name), answer in answers.items():
        others = [a.scores for (s, n), a in answers.items() if n == name and s != style]
        doubt = (
            answer.doubt.recalibrated(np.concatenate(others), "other art sets")
            if others
            else answer.doubt
        )
        flags = doubt.assess(answer.proba, answer.embeddings, review_threshold)
        folds.append(
            score_fold(
                style,
                name,
                answer.proba,
                answer.labels,
                np.array([f.needs_review for f in flags]),
                doubt.prediction_sets(answer.proba),
                answer.doubt.prediction_sets(answer.proba),
            )
        )
    pooled = {
        name: np.concatenate([a.scores for (_, n), a in answers.items() if n == name])
        for name in dict.fromkeys(n for _, n in answers)
    }
    return StyleShift(folds, pooled)


def mean_scores(scores: Sequence[FoldScore]) -> dict[str, dict[str, float | None]]:
    """Per model, the unweighted mean over held-out styles (each style counts once), and the
    accuracy of the answers not flagged over all held-out answers pooled."""
    out: dict[str, dict[str, float | None]] = {}
    for model in dict.fromkeys(s.model for s in scores):
        rows = [s for s in scores if s.model == model]
        means: dict[str, float | None] = {}
        for metric in METRICS:
            values = [getattr(s, metric) for s in rows if getattr(s, metric) is not None]
            means[metric] = float(np.mean(values)) if values else None
        # Each answer once: a set with 2 answers not flagged weighs as much as one with 20
        # in the mean above, which makes that mean swing by a few answers.
        kept = np.array([s.n * (1 - s.flagged) for s in rows])
        right = sum(k * (s.unflagged_accuracy or 0.0) for k, s in zip(kept, rows, strict=True))
        means["unflagged_accuracy_pooled"] = float(right / kept.sum()) if kept.sum() else None
        out[model] = means
    return out
