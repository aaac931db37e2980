"""Finding a catalogue product by name on the Predict and Similar pages, from the keyboard,
instead of pasting its id (#22 item 1)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.services.products import find_product
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from tests.browser.navigation import open_page

pytestmark = pytest.mark.browser


def test_search_by_name_then_use_the_product(served, axe, trained_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    services = Services.from_settings(trained_settings)
    name = find_product(services, catalogue_data(services).ids[0]).product_name
    services.engine.dispose()
    word = max(name.split(), key=len)  # the longest word of its name
    driver = served.driver

    open_page(served, "/predict")
    box = driver.find_element(By.ID, "predict-search-q")
    label = driver.find_element(By.CSS_SELECTOR, "label[for=predict-search-q]").text
    assert label == "Name, brand or part of the id"
    box.send_keys(word)
    box.send_keys(Keys.ENTER)  # a plain GET form: the search lands in the URL
    served.wait_for_contains_text(".product-search-section [role=status]", "match", timeout=30)
    assert f"q={word}" in driver.current_url
    hits = driver.find_elements(By.CSS_SELECTOR, ".product-hit")
    assert 1 <= len(hits) <= 8
    assert all(word.strip(",.()").lower() in h.text.lower() for h in hits)
    axe.assert_clean("/predict (search results)")

    use = hits[0].find_element(By.LINK_TEXT, "Use it here")
    chosen = use.get_attribute("href").split("product=")[1]
    use.send_keys(Keys.ENTER)
    served.wait_for_element("#main-content h1", timeout=30)
    served.wait_for_text_to_equal("#main-content h1", "Predict a category", timeout=30)
    assert driver.find_element(By.ID, "predict-product-id").get_attribute("value") == chosen

    open_page(served, "/similar?q=zzzz-no-such-product")
    served.wait_for_contains_text(".product-search-section", "No product matches", timeout=30)
    axe.assert_clean("/similar (a search with no match)")
