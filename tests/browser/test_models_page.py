"""The Models page at 640 px, measured in the browser: bar labels never overlap, the
reliability diagram's labels are not cut off, and the comparison table scrolls instead of
stacking its sentences into tall rows."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.web.app import create_app

pytestmark = pytest.mark.browser

# Boxes of a drawn chart's text labels, and of its plot's clipping frame.
BOXES = """
const graph = document.getElementById(arguments[0]);
if (!graph || !graph.querySelector('.main-svg')) return null;
const box = el => { const r = el.getBoundingClientRect();
                    return {l: r.left, r: r.right, t: r.top, b: r.bottom, text: el.textContent,
                            size: parseFloat(getComputedStyle(el).fontSize)}; };
return {labels: [...graph.querySelectorAll(arguments[1])].map(box),
        frame: box(graph.querySelector('.main-svg'))};
"""


@pytest.fixture
def served(dash_duo, trained_settings):  # type: ignore[no-untyped-def]
    dash_duo.start_server(create_app(trained_settings).extensions["dash"])
    dash_duo.driver.set_window_size(640, 1000)
    dash_duo.driver.get(dash_duo.server_url + "/models")
    dash_duo.wait_for_element("#main-content h1", timeout=60)
    return dash_duo


SLOT = 'return document.querySelector(`[id*=\'"index":"${arguments[0]}"\']`);'


def _drawn(duo: Any, chart_id: str, selector: str) -> dict[str, Any]:
    # The model's detail is rendered by a callback after the page: wait for the slot.
    slot = WebDriverWait(duo.driver, 60).until(lambda d: d.execute_script(SLOT, chart_id))
    duo.driver.execute_script("arguments[0].scrollIntoView();", slot)
    return WebDriverWait(duo.driver, 30).until(
        lambda d: d.execute_script(BOXES, chart_id, selector)
    )


def _overlap(a: dict[str, float], b: dict[str, float], gap: float = 2.0) -> bool:
    """Whether two label boxes touch or overlap (closer than `gap` px): they read as one."""
    apart_x = a["r"] + gap <= b["l"] or b["r"] + gap <= a["l"]
    apart_y = a["b"] + gap <= b["t"] or b["b"] + gap <= a["t"]
    return not (apart_x or apart_y)


def test_bar_labels_do_not_run_together_at_640_px(served) -> None:  # type: ignore[no-untyped-def]
    boxes = _drawn(served, "models-comparison", ".bartext")
    labels = boxes["labels"]
    assert len(labels) >= 4 and all(label["text"].endswith("%") for label in labels)
    # Readable: at least as tall as 11 px text (Plotly shrinks crowded labels to fit).
    assert min(min(b["r"] - b["l"], b["b"] - b["t"]) for b in labels) >= 11, labels
    clashes = [
        (a["text"], b["text"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if _overlap(a, b)
    ]
    assert not clashes, clashes


def test_reliability_labels_stay_inside_the_chart(served) -> None:  # type: ignore[no-untyped-def]
    boxes = _drawn(served, "models-reliability-fusion", ".textpoint text")
    frame, labels = boxes["frame"], boxes["labels"]
    assert labels
    cut = [label["text"] for label in labels if label["t"] < frame["t"] or label["r"] > frame["r"]]
    assert not cut, cut
    # Labels of the top bins sit above the plotting area: Plotly must not clip them to it.
    clipped = served.driver.execute_script(
        "const g = document.querySelector('#models-reliability-fusion .js-plotly-plot');"
        "return g._fullData.filter(t => t.mode && t.mode.includes('text'))"
        ".map(t => t.cliponaxis);"
    )
    assert clipped == [False]


def test_comparison_table_rows_stay_short_at_640_px(served) -> None:  # type: ignore[no-untyped-def]
    heights = served.driver.execute_script(
        "const table = document.querySelector('.table-scroll table');"
        "return [...table.tBodies[0].rows].map(r => r.getBoundingClientRect().height);"
    )
    line = served.driver.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('.table-scroll td'))"
        ".lineHeight);"
    )
    # A description may take three lines; the rows grew to about 180 px (eight) before.
    assert heights and max(heights) <= 4 * line + 12, (heights, line)
