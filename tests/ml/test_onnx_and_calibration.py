"""ONNX Runtime serves the same numbers as PyTorch; temperature scaling improves calibration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch

from ml import artifacts
from ml.backbone import load_extractor, numpy_extractor
from ml.backbone_spec import BackboneSpec
from ml.calibration import calibrated_proba, fit_temperature
from ml.evaluation import expected_calibration_error
from ml.features import default_extractor
from ml.models.linear import ProbeHead
from ml.models.registry import create_model
from ml.onnx_export import export, export_backbone
from tests.ml.synthetic import synthetic


def _run(path: Path, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, feeds)


def test_backbone_onnx_matches_pytorch(tmp_path: Path) -> None:
    extractor = load_extractor()
    path = export_backbone(extractor, tmp_path / "backbone.onnx")
    images = np.random.default_rng(0).normal(0, 1, (3, 3, 224, 224)).astype(np.float32)
    with torch.no_grad():
        expected = extractor(torch.from_numpy(images))
    outputs = _run(path, {"image": images})
    assert len(outputs) == 3  # embedding, feature map, pooled stages
    for got, want in zip(outputs, expected, strict=True):
        np.testing.assert_allclose(got, want.numpy(), atol=1e-4, rtol=1e-4)


def test_training_features_from_the_exported_backbone_match_pytorch(tmp_path: Path) -> None:
    # Once training has exported the backbone, the feature cache is filled by ONNX Runtime
    # (six times faster on a CPU): the models must see PyTorch's numbers, output for output.
    spec = BackboneSpec()
    images = np.random.default_rng(1).normal(0, 1, (4, 3, 224, 224)).astype(np.float32)
    eager = numpy_extractor(load_extractor(spec))(images)
    export_backbone(load_extractor(spec), artifacts.backbone_onnx_path(tmp_path, spec.key))
    exported = default_extractor(tmp_path, spec)(images)
    assert [a.shape for a in exported] == [a.shape for a in eager]
    for got, want in zip(exported, eager, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("name", ["fusion", "vit", "stage_probe"])
def test_serving_heads_onnx_match_pytorch(tmp_path: Path, name: str) -> None:
    (X, y), (X_val, y_val) = synthetic(20, 1), synthetic(5, 2)
    model = create_model(name, **({"epochs": 10} if name == "vit" else {}))
    model.fit(X, y, eval_set=(X_val, y_val))
    module = model.module_ if name != "stage_probe" else ProbeHead(model)
    if name == "fusion":
        feeds = {"embedding": X_val.embeddings, "tfidf": model.text_vectors(X_val.texts)}
    elif name == "vit":
        feeds = {"fmap": X_val.fmaps}
    else:
        feeds = {"stages": X_val.stage_features}
    example = tuple(torch.from_numpy(v[:1]) for v in feeds.values())
    path = export(module, example, list(feeds), ["logits"], tmp_path / "head.onnx")
    (onnx_logits,) = _run(path, feeds)
    np.testing.assert_allclose(onnx_logits, model.decision_function(X_val), atol=1e-4, rtol=1e-4)


def test_temperature_scaling_lowers_ece_of_an_overconfident_model() -> None:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 7, 600)
    logits = rng.normal(0, 1, (600, 7))
    logits[np.arange(600), labels] += 1.5  # right about 60% of the time...
    logits *= 6  # ...but nearly certain every time
    before = expected_calibration_error(calibrated_proba(logits, 1.0), labels)
    temperature = fit_temperature(logits[:300], labels[:300])
    after = expected_calibration_error(calibrated_proba(logits[300:], temperature), labels[300:])
    assert temperature > 2
    assert after < before / 2, (before, after)


def test_calibration_lowers_ece_of_a_trained_model_on_validation() -> None:
    (X, y), (X_val, y_val) = synthetic(20, 7), synthetic(30, 8)
    model = create_model("vit", epochs=40).fit(X, y)
    index = {c: i for i, c in enumerate(model.classes_)}
    labels = np.array([index[c] for c in y_val])
    logits = model.decision_function(X_val)
    temperature = fit_temperature(logits, labels)
    assert expected_calibration_error(calibrated_proba(logits, temperature), labels) <= (
        expected_calibration_error(calibrated_proba(logits, 1.0), labels)
    )
