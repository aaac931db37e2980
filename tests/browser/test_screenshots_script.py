"""benchmarks/screenshots.py makes full-page pictures of the pages and of states reached by an
action, at the widths asked for."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from PIL import Image

from dashboard.web.app import create_app

pytestmark = pytest.mark.browser

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def test_screenshots_are_full_pages_at_each_width(dash_duo, trained_settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import screenshots
    finally:
        sys.path.remove(str(BENCHMARKS))
    dash_duo.start_server(create_app(trained_settings).extensions["dash"])
    chrome = shutil.which("chromium")
    assert chrome
    refused = screenshots._click("#predict-submit", screenshots._wait_text("main", "Choose"))
    shots = [
        ("overview", "/", None),
        ("models", "/models", None),
        ("predict-refused", "/predict", refused),  # a state reached by an action
    ]
    saved = screenshots.shoot(dash_duo.server_url, shots, [640], tmp_path, chrome)
    assert [p.name for p in saved] == [
        "overview-640.png",
        "models-640.png",
        "predict-refused-640.png",
    ]
    for path in saved[:2]:
        with Image.open(path) as picture:
            # The whole page, not the first screen: these pages are several screens long.
            assert picture.width == 640 and picture.height > 1800, picture.size
    # The refused state was reached in the script's own browser: its wait for "Choose a product
    # photo" would have timed out otherwise, and no picture would have been saved.
