"""The Review page as an analyst meets it: decide with the keyboard alone (focus moves to the
next item), see the decision and the agreement figure, and read clear messages; axe on each
state."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.services.prediction import predict_and_record
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from tests.browser.navigation import open_page

pytestmark = pytest.mark.browser
QUEUE = "/review?reason=fallback&sort=-created_at&page_size=3"


@pytest.fixture
def fallbacks(trained_settings: Settings) -> list[int]:
    """Three image-only answers (no text: the fallback answers), newest last."""
    services = Services.from_settings(trained_settings)
    data = catalogue_data(services)
    ids = [
        predict_and_record(
            services, data.image_paths[i].read_bytes(), None, source="ui", request_id=f"r-{n}"
        ).prediction_id
        for n, i in enumerate(data.index("test")[10:13])
    ]
    services.engine.dispose()
    return ids


def _focused_item(driver: Any) -> str:
    return str(
        driver.execute_script(
            "const li = document.activeElement.closest('li.review-item');"
            "return li ? li.id : document.activeElement.tagName;"
        )
    )


def test_deciding_by_keyboard_records_and_moves_to_the_next_item(served, axe, fallbacks) -> None:  # type: ignore[no-untyped-def]
    newest, middle = fallbacks[-1], fallbacks[-2]
    open_page(served, QUEUE)
    driver = served.driver
    served.wait_for_element(f"#review-item-{newest}")
    axe.assert_clean("/review (items to decide)")
    confirm = driver.find_element(By.CSS_SELECTOR, f"#review-item-{newest} .review-decision button")
    assert confirm.text.startswith("Confirm ")
    confirm.send_keys(Keys.ENTER)  # one keypress after focus
    served.wait_for_contains_text(f"#review-item-{newest} [role=status]", "Recorded: confirmed")
    WebDriverWait(driver, 10).until(lambda d: _focused_item(d) == f"review-item-{middle}")
    disabled = driver.find_elements(
        By.CSS_SELECTOR, f"#review-item-{newest} .review-decision button:not([disabled])"
    )
    assert disabled == []  # decided: its buttons are off until the page is reloaded

    # A correction from the keyboard: Tab to the runner-up's button, type a comment first.
    item = driver.find_element(By.CSS_SELECTOR, f"#review-item-{middle}")
    item.find_element(By.CSS_SELECTOR, "input[type=text]").send_keys("the strap says watch")
    correct = item.find_elements(By.CSS_SELECTOR, ".review-decision button")[1]
    target = correct.text
    correct.send_keys(Keys.ENTER)
    served.wait_for_contains_text(
        f"#review-item-{middle} [role=status]", f"Recorded: corrected to {target}"
    )
    axe.assert_clean("/review (after two decisions)")

    open_page(served, "/review?status=reviewed&reason=fallback&sort=-created_at")
    served.wait_for_contains_text(f"#review-item-{middle}", f"Corrected to {target}")
    served.wait_for_element("#review-agreement-title")
    assert (
        "Reviewers kept the model's category"
        in driver.find_element(By.ID, "review-agreement-summary").text
    )
    axe.assert_clean("/review (reviewed items and agreement)")


def test_empty_and_invalid_filters_say_so(served, axe) -> None:  # type: ignore[no-untyped-def]
    open_page(served, "/review?reason=low_margin&max_margin=0")
    served.wait_for_contains_text("#main-content", "Nothing to review")
    axe.assert_clean("/review (nothing to review)")
    open_page(served, "/review?max_margin=150&sort=sideways")
    served.wait_for_contains_text("#main-content", "The filter is not valid")
    said = served.driver.find_element(By.CSS_SELECTOR, "#main-content .notice").text
    assert "from 0 to 100" in said
    axe.assert_clean("/review (invalid filter)")


def test_suspect_labels_are_kept_or_corrected_by_keyboard(served, axe) -> None:  # type: ignore[no-untyped-def]
    open_page(served, "/review?reason=suspect_label&status=unreviewed")
    driver = served.driver
    served.wait_for_contains_text("#main-content", "Found by fusion v")
    items = driver.find_elements(By.CSS_SELECTOR, "li.review-item")
    assert items, "the demo catalogue has suspect labels"
    first = items[0]
    neighbours = first.find_elements(By.CSS_SELECTOR, ".review-item__neighbours a")
    assert len(neighbours) == 3  # the evidence: its 3 nearest products and their labels
    axe.assert_clean("/review (suspect catalogue labels)")
    keep = first.find_element(By.CSS_SELECTOR, ".review-decision button")
    assert keep.text.startswith("Keep ")
    keep.send_keys(Keys.ENTER)
    served.wait_for_contains_text(
        f"#{first.get_attribute('id')} [role=status]", "Recorded: confirmed"
    )
    if len(items) > 1:
        following = items[1].get_attribute("id")
        WebDriverWait(driver, 10).until(lambda d: _focused_item(d) == following)
