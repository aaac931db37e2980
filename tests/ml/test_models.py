"""Each of the seven models learns a small generated set far above chance, scikit-learn style."""

from __future__ import annotations

import numpy as np
import pytest

from ml.artifacts import BACKBONE_OUTPUTS, TFIDF
from ml.models.registry import (
    FALLBACK_CANDIDATES,
    MODEL_NAMES,
    PRIMARY,
    UnknownModel,
    card,
    create_model,
)
from tests.ml.synthetic import CLASSES, synthetic

CHANCE = 1 / len(CLASSES)
FAST = {"vit": {"epochs": 25}, "pancan_lite": {"epochs": 25}}


@pytest.fixture(scope="module")
def splits():  # type: ignore[no-untyped-def]
    train = synthetic(24, seed=1)
    val = synthetic(6, seed=2)
    test = synthetic(10, seed=3)
    return train, val, test


@pytest.fixture(scope="module")
def fitted(splits):  # type: ignore[no-untyped-def]
    (X, y), (X_val, y_val), _ = splits
    models = {}
    for name in MODEL_NAMES:
        if card(name).members:
            members = [(m, models[m]) for m in card(name).members]
            models[name] = create_model(name, estimators=members, prefit=True).fit(X, y)
        else:
            model = create_model(name, **FAST.get(name, {}))
            assert model.fit(X, y, eval_set=(X_val, y_val)) is model  # fit returns self
            models[name] = model
    return models


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_model_learns_well_above_chance(fitted, splits, name: str) -> None:  # type: ignore[no-untyped-def]
    X_test, y_test = splits[2]
    model = fitted[name]
    accuracy = float((model.predict(X_test) == y_test).mean())
    assert accuracy > 0.6 > 3 * CHANCE, f"{name}: {accuracy:.2f}"


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_sklearn_conventions(fitted, splits, name: str) -> None:  # type: ignore[no-untyped-def]
    X_test, _ = splits[2]
    model = fitted[name]
    assert list(model.classes_) == sorted(CLASSES)
    proba = model.predict_proba(X_test)
    assert proba.shape == (len(X_test), len(CLASSES))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    assert model.n_parameters_ > 0
    # Hyperparameters live in the constructor and __init__ does no work.
    fresh = create_model(name)
    assert not any(k.endswith("_") and not k.startswith("_") for k in vars(fresh))


def test_unknown_model_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownModel, match="known: fusion, baseline, stage_probe, vit"):
        create_model("resnet")


def test_fusion_beats_each_modality_when_their_errors_differ() -> None:
    """Half the texts are blank and the images are noisy: fusion must use both."""
    (X, y), (X_val, y_val), (X_test, y_test) = (synthetic(30, s, dim=64) for s in (4, 5, 6))
    rng = np.random.default_rng(0)

    def degrade(inputs):  # type: ignore[no-untyped-def]
        blank = rng.random(len(inputs)) < 0.5
        texts = tuple("set pack" if b else t for b, t in zip(blank, inputs.texts, strict=True))
        noisy = inputs.embeddings + rng.normal(0, 2.5, inputs.embeddings.shape).astype(np.float32)
        return type(inputs)(noisy, inputs.fmaps, texts)

    X, X_val, X_test = degrade(X), degrade(X_val), degrade(X_test)
    scores = {}
    for name in ("fusion", "baseline", "text"):
        model = create_model(name).fit(X, y, eval_set=(X_val, y_val))
        scores[name] = float((model.predict(X_test) == y_test).mean())
    assert scores["fusion"] > max(scores["baseline"], scores["text"]), scores


def test_cards_say_what_serves_and_what_each_head_reads() -> None:
    assert PRIMARY == "fusion" and set(FALLBACK_CANDIDATES) == {"stage_probe", "vit", "baseline"}
    for name in MODEL_NAMES:
        entry = card(name)
        # Whatever serves has an ONNX head, and its inputs are outputs the serving side has.
        assert bool(entry.inputs) == (entry.role != "comparison"), name
        assert set(entry.inputs) <= {*BACKBONE_OUTPUTS, TFIDF}, name
        # Members are fitted first.
        for member in entry.members:
            assert MODEL_NAMES.index(member) < MODEL_NAMES.index(name)
    assert card("fusion").inputs == ("embedding", "tfidf")
    assert not card("text").reads_image


def test_every_card_builds_a_scikit_learn_classifier() -> None:
    for name in MODEL_NAMES:
        model = card(name).factory()
        assert hasattr(model, "fit") and hasattr(model, "predict_proba"), name
        assert model.get_params() is not None, name
