"""The Similar page says what is wrong with a product id, in words, before any query runs."""

from __future__ import annotations

import json
from typing import Any

from plotly.utils import PlotlyJSONEncoder

from dashboard.pages import similarity


def _shown(app: Any, product_id: str) -> str:
    with app.test_request_context("/similar"):
        return json.dumps(similarity._result(product_id, 5), cls=PlotlyJSONEncoder)


def test_a_malformed_id_and_an_unknown_one_are_told_apart(app: Any) -> None:
    assert "1-64 letters, digits, - or _" in _shown(app, "../etc/passwd")
    assert "No catalogue product has the id" in _shown(app, "abc123")
    assert "Enter a catalogue product id" in _shown(app, "   ")
