"""The audit trail as an analyst meets it: each row leads to its explanation, with its photo,
and the confidence filter takes what the table shows (percent), with messages for people."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.services.prediction import predict_and_record
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from tests.browser.navigation import open_page

pytestmark = pytest.mark.browser


@pytest.fixture
def confidences(trained_settings: Settings) -> list[float]:
    """Six predictions recorded as the Predict page would, half without text (lower
    confidence, from the fallback); the confidence, in percent, of every row in the trail."""
    services = Services.from_settings(trained_settings)
    data = catalogue_data(services)
    for n, i in enumerate(data.index("test")[:6]):
        text = data.texts[i] if n % 2 else None
        predict_and_record(
            services, data.image_paths[i].read_bytes(), text, source="ui", request_id=f"a-{n}"
        )
    with services.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT confidence FROM predictions").scalars()
        shown = [float(c) * 100 for c in rows]
    services.engine.dispose()
    return shown


def _photo_loaded(driver: Any, image: Any) -> bool:
    return bool(
        driver.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth > 0;", image
        )
    )


def test_every_audit_row_links_to_its_explanation_with_its_photo(served, axe, confidences) -> None:  # type: ignore[no-untyped-def]
    open_page(served, "/audit")
    driver = served.driver
    rows = driver.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr")
    assert len(rows) == min(25, len(confidences))
    links = [row.find_element(By.CSS_SELECTOR, "a.audit-prediction") for row in rows]
    numbers = [link.text.strip() for link in links]
    assert all(n.startswith("#") and n[1:].isdigit() for n in numbers)
    assert len(set(numbers)) == len(numbers)
    photo = links[0].find_element(By.TAG_NAME, "img")
    served.wait_for_element("#audit-table tbody tr img")
    driver.execute_script("arguments[0].scrollIntoView();", photo)
    for _ in range(50):
        if _photo_loaded(driver, photo):
            break
        driver.implicitly_wait(0.2)
    assert _photo_loaded(driver, photo), "the row's thumbnail did not load"
    axe.assert_clean("/audit (rows with photos and links)")

    links[0].send_keys(Keys.ENTER)  # the link works from the keyboard
    served.wait_for_text_to_equal("#main-content h1", "Explain a prediction", timeout=20)
    served.wait_for_contains_text("#main-content", f"Prediction {numbers[0]}:", timeout=60)


def test_confidence_filter_takes_percent_as_the_table_shows_it(served, axe, confidences) -> None:  # type: ignore[no-untyped-def]
    # A whole percentage in the widest gap between the recorded confidences.
    ordered = sorted(confidences)
    low, high = max(pairwise(ordered), key=lambda pair: pair[1] - pair[0])
    threshold = int(low) + 1
    assert low < threshold < high
    expected = sum(c >= threshold for c in confidences)
    open_page(served, "/audit?page_size=500")
    driver = served.driver
    field = driver.find_element(By.ID, "audit-min_percent")
    assert "%" in driver.find_element(By.CSS_SELECTOR, "label[for=audit-min_percent]").text
    field.send_keys(f"{threshold}")
    field.send_keys(Keys.ENTER)
    served.wait_for_element("#audit-table", timeout=20)
    assert f"min_percent={threshold}" in driver.current_url
    shown = [
        float(row.find_element(By.CSS_SELECTOR, "td.num").text.rstrip("%"))
        for row in driver.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr")
    ]
    assert min(shown) >= threshold and len(shown) == expected, (threshold, shown)
    assert max(confidences) > threshold > min(confidences)  # the filter left some out
    csv_link = driver.find_element(By.CSS_SELECTOR, "a[download]").get_attribute("href")
    assert f"min_confidence={threshold / 100}" in csv_link  # the API keeps its 0-1 scale

    for query, said in (
        ("min_percent=150", "Confidence at least (%): give a number from 0 to 100."),
        ("max_percent=ninety", "Confidence at most (%): give a number from 0 to 100."),
        ("min_percent=80&max_percent=20", "Confidence at least is above Confidence at most."),
        ("since=yesterday", "From (date): give a date as YYYY-MM-DD."),
    ):
        open_page(served, f"/audit?{query}")
        message = driver.find_element(By.CSS_SELECTOR, ".notice--error").text
        assert said in message, message
        assert "Input should" not in message and "_confidence" not in message
    axe.assert_clean("/audit (a filter that is not valid)")
