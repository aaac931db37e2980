"""Augmented views of training photos: the probes learn from them, and only from the views of
their own training photos; selection, calibration and the other models never see one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pydantic import ValidationError

from dashboard.services.state import Services
from dashboard.settings import Settings
from db.engine import session_scope
from db.repo_models import active_versions
from ml.artifacts import ModelMeta
from ml.features import FeatureCache
from ml.models.inputs import ModelInputs, TrainingViews
from ml.training import fit_calibrated
from ml.views import VIEWS, UnknownView, parse_views, render_view
from tests.ml.synthetic import synthetic


def _photo() -> Image.Image:
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(64, 80, 3), dtype=np.uint8)
    pixels[16:48, 20:60] = (200, 30, 30)  # a red object on noise
    return Image.fromarray(pixels, "RGB")


@pytest.mark.parametrize("name", list(VIEWS))
def test_every_view_is_another_rendering_that_can_be_computed_again(name: str) -> None:
    photo = _photo()
    view = render_view(name, photo, "ab" * 32)
    again = render_view(name, photo, "ab" * 32)
    assert view.size == photo.size and view.mode == "RGB"
    assert np.array_equal(np.asarray(view), np.asarray(again))  # a cached view stays right
    assert not np.array_equal(np.asarray(view), np.asarray(photo))


def test_gray_view_has_no_colour_and_another_hue_keeps_the_shapes() -> None:
    gray = np.asarray(render_view("gray", _photo(), "0" * 64)).astype(int)
    assert (gray[..., 0] == gray[..., 1]).all() and (gray[..., 1] == gray[..., 2]).all()
    turned = np.asarray(render_view("hue", _photo(), "0" * 64)).astype(int)
    assert np.abs(turned[32, 40] - np.array([200, 30, 30])).sum() > 60  # no longer red
    assert np.abs(turned[32, 40] - turned[33, 41]).sum() < 30  # still one flat object


def test_unknown_views_are_refused_with_the_known_names() -> None:
    assert parse_views(" gray, blur ,gray,") == ("gray", "blur")
    assert parse_views("") == ()
    with pytest.raises(UnknownView, match="unknown training view sepia; known: gray, hue"):
        parse_views("gray,sepia")
    with pytest.raises(ValidationError, match="unknown training view sepia"):
        Settings(training_views="sepia")


def _two_styles() -> tuple[ModelInputs, np.ndarray, np.ndarray, np.ndarray, ModelInputs]:
    """Products drawn in style A for training and validation, and test products in style B,
    which scrambles a fixed half of the features. `restyled` draws every product in style B."""
    inputs, labels = synthetic(30, seed=7)
    rng = np.random.default_rng(3)
    splits = rng.choice(["train", "validation", "test"], size=len(labels), p=[0.5, 0.2, 0.3])
    dim = inputs.embeddings.shape[1]
    cols = rng.choice(dim, size=dim // 2, replace=False)
    style_b = inputs.embeddings.copy()
    style_b[:, cols] = style_b[:, cols][:, rng.permutation(len(cols))] + 2.0
    restyled = ModelInputs(style_b, inputs.fmaps, inputs.texts)
    test = np.where(splits == "test")[0]
    embeddings = inputs.embeddings.copy()
    embeddings[test] = style_b[test]
    return ModelInputs(embeddings, inputs.fmaps, inputs.texts), labels, splits, test, restyled


def _views_of(rows: np.ndarray, restyled: ModelInputs) -> TrainingViews:
    return TrainingViews(("b",), restyled.take(rows), rows)


def test_a_probe_that_learned_from_views_recognises_photos_drawn_like_them() -> None:
    X, y, splits, test, restyled = _two_styles()
    train, val = np.where(splits == "train")[0], np.where(splits == "validation")[0]
    plain = fit_calibrated("stage_probe", X, y, train, val)
    viewed = fit_calibrated("stage_probe", X, y, train, val, views=_views_of(train, restyled))

    def accuracy(model: object) -> float:
        return float((model.predict(X.take(test)) == y[test]).mean())  # type: ignore[attr-defined]

    assert accuracy(viewed) >= accuracy(plain) + 0.2
    # Photos drawn as in training are still recognised.
    assert (viewed.predict(X.take(val)) == y[val]).mean() >= 0.9


def test_views_of_other_products_and_models_that_do_not_learn_from_views_change_nothing() -> None:
    X, y, splits, test, restyled = _two_styles()
    train, val = np.where(splits == "train")[0], np.where(splits == "validation")[0]
    plain = fit_calibrated("stage_probe", X, y, train, val)
    # Views of validation and test products exist, but the probe trains on train photos only.
    others = fit_calibrated(
        "stage_probe", X, y, train, val, views=_views_of(np.concatenate([val, test]), restyled)
    )
    assert np.array_equal(plain.predict_proba(X.take(test)), others.predict_proba(X.take(test)))
    # Fusion's out-of-fold stacking would see a product's view in another fold: no views.
    fusion = fit_calibrated("fusion", X, y, train, val)
    fusion_viewed = fit_calibrated("fusion", X, y, train, val, views=_views_of(train, restyled))
    assert np.allclose(
        fusion.predict_proba(X.take(test)), fusion_viewed.predict_proba(X.take(test))
    )


def test_trained_probes_record_the_views_they_learned_from(trained_settings: Settings) -> None:
    services = Services.from_settings(trained_settings)
    try:
        with session_scope(services.sessions) as session:
            folders = {n: Path(mv.artifact_path) for n, mv in active_versions(session).items()}
    finally:
        services.engine.dispose()
    views = {name: ModelMeta.load(folder).views for name, folder in folders.items()}
    default = list(trained_settings.training_view_names)
    assert default == ["gray", "posterize"]
    assert views["baseline"] == views["stage_probe"] == default
    assert views["fusion"] == views["vit"] == views["pancan_lite"] == []
    # One cached backbone pass per view and training photo, under its own folder.
    meta = ModelMeta.load(folders["stage_probe"])
    for view in default:
        cache = FeatureCache(trained_settings.artifacts_dir, meta.backbone_key, view)
        assert len(list(cache.folder.glob("*/*.npz"))) > 50
