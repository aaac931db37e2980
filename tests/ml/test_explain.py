"""SHAP attributions add up, and the spatial audit flags a one-quarter model but not a fair one."""

from __future__ import annotations

import numpy as np
from PIL import Image

from ml.explain import CellExplainer, describe_regions, pixel_explanation, quadrant_shares
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
