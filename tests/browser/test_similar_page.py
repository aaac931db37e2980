"""The similar-products page in a real browser: the map opens a product's neighbours, and a
box drawn on it lists the products inside and downloads them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.web.app import create_app

pytestmark = pytest.mark.browser
POINT = "#similar-map .scatterlayer .point"


def test_map_point_opens_its_neighbours_and_nothing_before(dash_duo, trained_settings) -> None:  # type: ignore[no-untyped-def]
    dash_duo.start_server(create_app(trained_settings).extensions["dash"])
    dash_duo.driver.get(dash_duo.server_url + "/similar")
    dash_duo.wait_for_element("#similar-map-title", timeout=30)
    map_slot = dash_duo.find_element('[data-lazy-chart][id*="similar-map"]')
    dash_duo.driver.execute_script("arguments[0].scrollIntoView();", map_slot)
    point = dash_duo.wait_for_element(POINT, timeout=30)
    # Drawing the map is not a selection: no result, no error, until a point is chosen.
    WebDriverWait(dash_duo.driver, 30).until(lambda _: dash_duo.redux_state_rqs == [])
    assert dash_duo.find_element("#similar-result").text == ""

    ActionChains(dash_duo.driver).move_to_element(point).click().perform()
    dash_duo.wait_for_contains_text("#similar-result", "Closest to", timeout=30)
    chosen = dash_duo.find_element("#similar-product-id").get_attribute("value")
    assert chosen and chosen in dash_duo.find_element("#similar-result").text
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#similar-result .product-card")


SELECTED_ON_MAP = """
const gd = document.querySelector('#similar-map.js-plotly-plot, #similar-map .js-plotly-plot');
return gd.data.flatMap(t => (t.selectedpoints || []).map(i => t.customdata[i]));
"""


def test_a_box_on_the_map_lists_and_exports_products(dash_duo, trained_settings, axe) -> None:  # type: ignore[no-untyped-def]
    dash_duo.start_server(create_app(trained_settings).extensions["dash"])
    dash_duo.driver.get(dash_duo.server_url + "/similar")
    dash_duo.wait_for_element("#similar-map-title", timeout=30)
    map_slot = dash_duo.find_element('[data-lazy-chart][id*="similar-map"]')
    dash_duo.driver.execute_script("arguments[0].scrollIntoView();", map_slot)
    dash_duo.wait_for_element(POINT, timeout=30)
    assert dash_duo.find_element("#similar-export").get_attribute("disabled")

    # Drag a box over the middle half of the plot, as a mouse would (viewport coordinates).
    area = dash_duo.find_element("#similar-map .nsewdrag")
    box = dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center'});"
        "const r = arguments[0].getBoundingClientRect();"
        "return [r.left, r.top, r.width, r.height];",
        area,
    )
    left, top, width, height = (int(v) for v in box)
    start_x, start_y = left + width // 4, top + height // 4
    actions = ActionBuilder(dash_duo.driver)
    actions.pointer_action.move_to_location(start_x, start_y).pointer_down()
    for step in range(1, 6):
        x, y = start_x + step * width // 10, start_y + step * height // 10
        actions.pointer_action.move_to_location(x, y)
    actions.pointer_action.pointer_up()
    actions.perform()
    dash_duo.wait_for_contains_text("#similar-selection", "selected:", timeout=30)
    chosen = dash_duo.driver.execute_script(SELECTED_ON_MAP)
    assert chosen, "the box selected no point"
    said = dash_duo.find_element("#similar-selection").text
    assert said.startswith(f"{len(chosen):,} product" if len(chosen) > 1 else "1 product")
    links = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#similar-selection table a")
    listed = [link.get_attribute("href").rsplit("=", 1)[1] for link in links]
    assert listed == chosen[: len(listed)] and len(listed) == min(len(chosen), 50)
    axe.assert_clean("/similar with products selected on the map")

    dash_duo.find_element("#similar-export").click()
    saved = Path(dash_duo.download_path) / "vitrine-map-selection.csv"
    WebDriverWait(dash_duo.driver, 30).until(lambda _: saved.is_file() and saved.stat().st_size)
    rows = list(csv.DictReader(saved.open()))
    assert [row["uniq_id"] for row in rows] == chosen  # every selected product, in map order
    assert all(row["product_name"] and row["category"] for row in rows)
