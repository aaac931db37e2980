"""The Predictor on ONNX Runtime: fusion with text, the ViT fallback without, review flag."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from db.engine import session_scope
from db.repo_models import active_versions
from ml.images import ImageRejected
from ml.predictor import Predictor


@pytest.fixture(scope="module")
def predictor(trained_settings: Settings) -> Predictor:
    services = Services.from_settings(trained_settings)
    with session_scope(services.sessions) as session:
        active = active_versions(session)
    return Predictor.from_artifacts(
        trained_settings.artifacts_dir,
        Path(active["fusion"].artifact_path),
        Path(active["vit"].artifact_path),
        review_threshold=0.6,
    )


@pytest.fixture(scope="module")
def catalogue(trained_settings: Settings):  # type: ignore[no-untyped-def]
    return catalogue_data(Services.from_settings(trained_settings))


def test_text_uses_fusion_and_no_text_falls_back_to_vit(predictor, catalogue) -> None:  # type: ignore[no-untyped-def]
    image = catalogue.image_paths[0].read_bytes()
    with_text = predictor.predict(image, catalogue.texts[0] or "a product")
    assert (with_text.model, with_text.fallback) == ("fusion", False)
    without = predictor.predict(image, "   ")
    assert (without.model, without.fallback) == ("vit", True)
    for prediction in (with_text, without):
        assert set(prediction.probabilities) == set(predictor.classes)
        assert abs(sum(prediction.probabilities.values()) - 1) < 1e-5
        assert prediction.confidence == max(prediction.probabilities.values())
        assert prediction.category in predictor.classes
        assert prediction.embedding.shape == (1280,)
        # Flagged exactly when there is a reason, and low confidence is one of them.
        assert prediction.needs_review == bool(prediction.review_reasons)
        assert ("low_confidence" in prediction.review_reasons) == (prediction.confidence < 0.6)


def test_fusion_is_mostly_right_on_the_catalogue(predictor, catalogue) -> None:  # type: ignore[no-untyped-def]
    hits = sum(
        predictor.predict(path.read_bytes(), text).category == label
        for path, text, label in zip(
            catalogue.image_paths, catalogue.texts, catalogue.labels, strict=True
        )
    )
    assert hits / len(catalogue.labels) > 0.7


def test_bad_images_are_refused_before_the_model(predictor) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImageRejected) as empty:
        predictor.predict(b"")
    assert empty.value.code == "empty"
    with pytest.raises(ImageRejected) as text:
        predictor.predict(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    assert text.value.code == "unreadable"
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, "GIF")
    with pytest.raises(ImageRejected) as unsupported:
        predictor.predict(gif.getvalue())
    assert unsupported.value.code == "unsupported_format"


def test_int8_backbone_agrees_with_float32(trained_settings: Settings, catalogue) -> None:  # type: ignore[no-untyped-def]
    services = Services.from_settings(trained_settings)
    with session_scope(services.sessions) as session:
        active = active_versions(session)
    dirs = (Path(active["fusion"].artifact_path), Path(active["vit"].artifact_path))
    fp32 = Predictor.from_artifacts(trained_settings.artifacts_dir, *dirs, int8=False)
    int8 = Predictor.from_artifacts(trained_settings.artifacts_dir, *dirs, int8=True)
    assert int8.backbone_file is not None and fp32.backbone_file is not None
    assert int8.backbone_file.name == "backbone-int8.onnx"
    assert fp32.backbone_file.name == "backbone.onnx"
    images = [p.read_bytes() for p in catalogue.image_paths]
    texts = list(catalogue.texts)
    same = sum(
        a.category == b.category
        for a, b in zip(
            fp32.predict_batch(images, texts), int8.predict_batch(images, texts), strict=True
        )
    )
    assert same / len(images) >= 0.9
