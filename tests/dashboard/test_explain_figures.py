"""The Explain page's figures: the word chart's value labels stay clear of the words, and the
spatial audit names what it compares with."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from dashboard.figures.explain import spatial_chart, word_chart
from ml.spatial_audit import REFERENCE, audit


def _texts(component: Any) -> list[str]:
    """Every string shown as text in a Dash component tree (attributes aside), in order."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, (list, tuple)):
        return [text for child in component for text in _texts(child)]
    return _texts(getattr(component, "children", None) or [])


def test_word_chart_leaves_room_for_its_value_labels() -> None:
    tokens = [SimpleNamespace(token=w, value=v) for w, v in (("steel", 1.2), ("baby", -0.9))]
    result = SimpleNamespace(
        prediction_id=1, target="Watches", text=SimpleNamespace(contributions=tokens)
    )
    figure = word_chart(result)  # type: ignore[arg-type]
    store = next(c for c in figure.children if type(c).__name__ == "Store")
    low, high = store.data["figure"]["layout"]["xaxis"]["range"]
    # Labels print outside the bar ends: the axis runs well past both extremes.
    assert low < -0.9 * 1.3 and high > 1.2 * 1.3


def test_spatial_verdict_names_the_reference_and_is_said_once() -> None:
    rng = np.random.default_rng(0)
    grids = [np.pad(rng.random((3, 3)), ((0, 4), (0, 4))) for _ in range(8)]  # top-left only
    accuracy = {"original": 0.9, "top-left": 0.9, "bottom-right": 0.5}
    result = audit(grids, ["A"] * 8, accuracy).as_dict()
    result["verdict"] = "A spatial bias like the seed's is present."  # as older audits stored
    figure = spatial_chart(result)
    said = " ".join(_texts(figure))
    assert REFERENCE in said and "seed" not in said
    assert said.count("A spatial bias like") == 1
