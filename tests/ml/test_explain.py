"""SHAP attributions add up, and the spatial audit flags a one-quarter model but not a fair one."""

from __future__ import annotations

import numpy as np
from PIL import Image

from ml.calibration import calibrated_proba
from ml.explain import (
    CellExplainer,
    class_log_odds,
    describe_regions,
    pixel_explanation,
    quadrant_shares,
    vit_cell_function,
)
from ml.spatial_audit import audit, place


def test_cell_shapley_values_add_up_to_output_minus_base() -> None:
    weights = np.random.default_rng(0).normal(size=49)

    def model(masks: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-(np.asarray(masks) @ weights) / 5))

    explanation = CellExplainer(model, max_evals=2000).explain("x")
    full = float(model(np.ones((1, 49)))[0])
    empty = float(model(np.zeros((1, 49)))[0])
    assert abs(explanation.base_value - empty) < 1e-6
    assert abs(explanation.base_value + explanation.grid.sum() - full) < 1e-4


def test_pixel_partition_values_add_up() -> None:
    image = np.zeros((224, 224, 3), dtype=np.uint8)
    image[:112, :112] = 255  # a bright top-left quarter

    def brightness_of_top_left(batch: np.ndarray) -> np.ndarray:
        score = batch[:, :112, :112].mean(axis=(1, 2, 3)) / 255
        return np.stack([score, 1 - score], axis=1)

    explanation = pixel_explanation(brightness_of_top_left, image, 0, "bright", max_evals=200)
    assert (
        abs(
            explanation.base_value
            + explanation.pixels.sum()
            - brightness_of_top_left(image[None])[0, 0]
        )
        < 1e-3
    )
    assert max(explanation.quadrant_shares(), key=explanation.quadrant_shares().get) == "top-left"
    assert "top-left quarter pushed" in describe_regions(explanation.grid, "bright")


def test_quadrant_shares_are_fair_on_an_odd_grid() -> None:
    assert quadrant_shares(np.ones((7, 7))) == {
        q: 0.25 for q in ("top-left", "top-right", "bottom-left", "bottom-right")
    }


def _grids(weights: np.ndarray, n: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [weights * rng.uniform(0.5, 1.5, size=(7, 7)) for _ in range(n)]


def test_spatial_audit_flags_a_model_that_looks_at_one_quarter() -> None:
    top_left = np.zeros((7, 7))
    top_left[:3, :3] = 1.0
    labels = ["A", "B"] * 20
    biased = audit(
        _grids(top_left, 40, 1),
        labels,
        {
            "original": 0.9,
            "top-left": 0.9,
            "top-right": 0.3,
            "bottom-left": 0.3,
            "bottom-right": 0.3,
            "centre-crop": 0.6,
        },
    )
    assert biased.biased
    assert "top-left quarter" in biased.verdict and "present" in biased.verdict

    fair = audit(
        _grids(np.ones((7, 7)), 40, 2),
        labels,
        {
            "original": 0.9,
            "top-left": 0.85,
            "top-right": 0.86,
            "bottom-left": 0.84,
            "bottom-right": 0.85,
            "centre-crop": 0.88,
        },
    )
    assert not fair.biased
    assert fair.verdict.startswith("No spatial bias")


def test_placements_move_the_product() -> None:
    image = Image.new("RGB", (100, 100), (255, 255, 255))
    image.paste((255, 0, 0), (40, 40, 60, 60))
    corner = np.asarray(place(image, "bottom-right"))
    red = np.argwhere((corner[..., 0] > 200) & (corner[..., 1] < 50))
    assert red.mean(axis=0).tolist() == [75.0, 75.0] or (red.mean(axis=0) > 60).all()


class _FixedHead:
    """An ONNX-like head whose logits are a fixed linear read of the 7x7 feature map."""

    def __init__(self, weights: np.ndarray) -> None:
        self.weights = weights

    def run(self, _names: list[str], feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        fmap = feeds["fmap"]  # [N, C, 7, 7]
        score = (fmap.sum(axis=1).reshape(len(fmap), -1) @ self.weights)[:, None]
        return [np.concatenate([score, -score, np.zeros_like(score)], axis=1)]


def test_a_saturated_prediction_is_explained_in_readable_log_odds() -> None:
    rng = np.random.default_rng(3)
    weights = rng.uniform(0.5, 1.5, 49) / 16  # every cell argues for class 0
    fmap = np.ones((4, 7, 7), np.float32)
    mean = np.zeros_like(fmap)
    head = _FixedHead(weights)
    output = vit_cell_function(head, 1.0, fmap, mean, target=0)
    explanation = CellExplainer(output, max_evals=600).explain("A")
    (logits,) = head.run(["logits"], {"fmap": fmap[None]})
    proba = calibrated_proba(logits, 1.0)[0, 0]
    assert proba > 0.99999  # "100%" on screen
    # The map explains log(p / (1 - p)): cells move it by tenths, not millionths...
    assert np.abs(explanation.grid).max() > 0.1
    # ...and still adds up to the model's output.
    log_odds = float(class_log_odds(logits, 1.0)[0, 0])
    assert abs(log_odds - np.log(proba / (1 - proba))) < 1e-3 * abs(log_odds)
    assert abs(explanation.output_value - log_odds) < 1e-6
    assert abs(explanation.base_value + explanation.grid.sum() - explanation.output_value) < 1e-3
