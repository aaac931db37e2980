"""The similar-products page in a real browser: the map opens a product's neighbours."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
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
