"""The API reference (Swagger UI, served locally) as a keyboard user meets it: a skip link
that shows only when focused, and a way back to the dashboard."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.web.app import create_app

pytestmark = pytest.mark.browser

IN_VIEW = """const r = arguments[0].getBoundingClientRect();
return r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight;"""


def test_api_docs_skip_link_and_way_back(dash_duo, trained_settings) -> None:  # type: ignore[no-untyped-def]
    dash_duo.start_server(create_app(trained_settings).extensions["dash"])
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/api/docs")
    dash_duo.wait_for_element("#swagger-ui .info", timeout=30)  # Swagger UI has drawn
    skip = driver.find_element(By.CSS_SELECTOR, ".skip-link")
    assert not driver.execute_script(IN_VIEW, skip), "the skip link shows before it is focused"
    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element == skip
    assert driver.execute_script(IN_VIEW, skip)
    outline = driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle;", skip)
    assert outline != "none"
    skip.send_keys(Keys.ENTER)
    assert driver.switch_to.active_element.get_attribute("id") == "swagger-ui"

    back = driver.find_element(By.LINK_TEXT, "← Back to the Vitrine dashboard")
    back.click()
    dash_duo.wait_for_element("#main-content h1", timeout=30)
    assert driver.current_url.rstrip("/") == dash_duo.server_url.rstrip("/")
