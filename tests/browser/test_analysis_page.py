"""The Analysis page's variable pickers show every choice whole, written one way."""

from __future__ import annotations

import pytest

from dashboard.web.app import create_app

pytestmark = pytest.mark.browser

# For each select: every option's text width in the select's font, and the room inside it.
FITS = """
const canvas = document.createElement('canvas').getContext('2d');
return [...document.querySelectorAll('#main-content select')].map(s => {
  const cs = getComputedStyle(s);
  canvas.font = cs.font;
  const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  return [...s.options].map(o => ({id: s.id, text: o.text,
                                   need: canvas.measureText(o.text).width, room: room}));
}).flat();
"""


@pytest.mark.parametrize("width", [1280, 640])
def test_variable_choices_show_whole_and_spelled_alike(dash_duo, trained_settings, width) -> None:  # type: ignore[no-untyped-def]
    dash_duo.start_server(create_app(trained_settings).extensions["dash"])
    dash_duo.driver.set_window_size(width, 900)
    dash_duo.driver.get(dash_duo.server_url + "/analysis")
    dash_duo.wait_for_element("#main-content select", timeout=30)
    options = dash_duo.driver.execute_script(FITS)
    assert options
    cut = [(o["id"], o["text"]) for o in options if o["need"] > o["room"]]
    assert not cut, cut
    texts = [o["text"] for o in options] + [dash_duo.find_element("#main-content").text]
    assert not any("(rs.)" in t for t in texts), "Rs. is written two ways"
