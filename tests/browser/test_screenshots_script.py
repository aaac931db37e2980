"""benchmarks/screenshots.py makes full-page pictures of the pages, at the widths asked for."""

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
    saved = screenshots.shoot(dash_duo.server_url, ["/", "/models"], [640], tmp_path, chrome)
    assert [p.name for p in saved] == ["overview-640.png", "models-640.png"]
    for path in saved:
        with Image.open(path) as picture:
            # The whole page, not the first screen: these pages are several screens long.
            assert picture.width == 640 and picture.height > 1800, picture.size
