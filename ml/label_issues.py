"""Catalogue products whose given label is suspect, found by cleanlab on out-of-fold answers.

Each product is scored by a model that never saw it (k-fold over the whole catalogue), so a
mislabelled product cannot vouch for its own label; cleanlab's `find_label_issues` (confident
learning) then ranks the products whose given label the answers contradict. Each suspect
keeps its evidence: the out-of-fold probabilities and its nearest catalogue neighbours.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from cleanlab.filter import find_label_issues
from cleanlab.rank import get_label_quality_scores
from sklearn.model_selection import StratifiedKFold

from ml.models.inputs import ModelInputs

FILE = "label_issues.json"
NEIGHBOURS = 3


@dataclass(frozen=True)
class Neighbour:
    uniq_id: str
    category: str
    similarity: float


@dataclass(frozen=True)
class LabelIssue:
    uniq_id: str
    given: str  # the catalogue's label
    suggested: str  # the out-of-fold answer
    quality: float  # cleanlab's label quality score (self-confidence): low is suspect
    rank: int  # 1: the most suspect
    probabilities: dict[str, float]  # out-of-fold, per category
    neighbours: list[Neighbour]


def out_of_fold_proba(
    fit: Callable[[ModelInputs, np.ndarray], Any],
    X: ModelInputs,
    labels: np.ndarray,
    classes: Sequence[str],
    *,
    folds: int = 5,
    seed: int = 0,
) -> np.ndarray:
    """[N, classes] probabilities, each row from a model `fit` on the other folds."""
    proba = np.zeros((len(labels), len(classes)))
    column = {c: i for i, c in enumerate(classes)}
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, held_out in splitter.split(np.zeros(len(labels)), labels):
        model = fit(X.take(train), labels[train])
        answered = model.predict_proba(X.take(held_out))
        for j, c in enumerate(model.classes_):
            proba[held_out, column[str(c)]] = answered[:, j]
    return proba


def _neighbours(
    embeddings: np.ndarray, rows: np.ndarray, ids: Sequence[str], labels: np.ndarray
) -> list[list[Neighbour]]:
    unit = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
    found = []
    for row in rows:
        similarity = unit @ unit[row]
        similarity[row] = -np.inf  # not itself
        nearest = np.argsort(-similarity)[:NEIGHBOURS]
        found.append(
            [Neighbour(ids[i], str(labels[i]), round(float(similarity[i]), 4)) for i in nearest]
        )
    return found


def label_issues(
    proba: np.ndarray,
    labels: np.ndarray,
    classes: Sequence[str],
    ids: Sequence[str],
    embeddings: np.ndarray,
) -> list[LabelIssue]:
    """The suspect labels, most suspect first, with their evidence."""
    # cleanlab comes with the train extra: serving only reads the saved list.

    index = {c: i for i, c in enumerate(classes)}
    given = np.array([index[str(c)] for c in labels])
    ranked = find_label_issues(given, proba, return_indices_ranked_by="self_confidence")
    quality = get_label_quality_scores(given, proba, method="self_confidence")
    near = _neighbours(embeddings, np.asarray(ranked, dtype=int), ids, labels)
    return [
        LabelIssue(
            uniq_id=ids[row],
            given=str(labels[row]),
            suggested=str(classes[int(proba[row].argmax())]),
            quality=round(float(quality[row]), 4),
            rank=rank,
            probabilities={c: round(float(p), 4) for c, p in zip(classes, proba[row], strict=True)},
            neighbours=near[rank - 1],
        )
        for rank, row in enumerate(ranked, start=1)
    ]


def save(issues: list[LabelIssue], folder: Path) -> None:
    (folder / FILE).write_text(json.dumps([asdict(i) for i in issues], indent=1))


def load(folder: Path) -> list[LabelIssue] | None:
    """The issues found when the model in `folder` was trained (None: none were looked for)."""
    path = folder / FILE
    if not path.is_file():
        return None
    return [
        LabelIssue(**{**raw, "neighbours": [Neighbour(**n) for n in raw["neighbours"]]})
        for raw in json.loads(path.read_text())
    ]
