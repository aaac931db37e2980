"""The overview's sample products (one per category) never leave a card alone on a row."""

from __future__ import annotations

from collections import Counter

import pytest

from dashboard.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 640])
def test_sample_gallery_has_no_orphan_card(dash_duo, trained_settings, width) -> None:  # type: ignore[no-untyped-def]
    dash_duo.start_server(create_app(trained_settings).extensions["dash"])
    dash_duo.driver.set_window_size(width, 900)
    dash_duo.driver.get(dash_duo.server_url + "/")
    dash_duo.wait_for_element(".gallery .gallery__item", timeout=30)
    tops = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('.gallery .gallery__item')]"
        ".map(li => Math.round(li.getBoundingClientRect().top));"
    )
    rows = Counter(tops)
    assert len(tops) == 7
    assert min(rows.values()) >= 2, f"rows of {sorted(rows.values(), reverse=True)} at {width}"
    if width == 1280:
        assert len(rows) == 1  # the seven categories side by side
