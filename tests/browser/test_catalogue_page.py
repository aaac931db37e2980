"""The catalogue browser: every product with the active models' answer, filtered with a plain
form, paged, linked to Predict, Similar and Explain, and opened from the confusion matrix."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from dashboard.services.catalogue_browser import PAGE_SIZE, catalogue_answers
from dashboard.services.prediction import predict_and_record
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from tests.browser.navigation import open_page

pytestmark = pytest.mark.browser


@pytest.fixture
def truth(trained_settings: Settings) -> dict[str, Any]:
    """What the page should show, from the services: labels, answers, one recorded product."""
    services = Services.from_settings(trained_settings)
    data = catalogue_data(services)
    answers = catalogue_answers(services)
    first_test = int(data.index("test")[0])
    recorded = predict_and_record(
        services,
        data.image_paths[first_test].read_bytes(),
        data.texts[first_test],
        source="ui",
        request_id="catalogue-browser",
        product_id=data.ids[first_test],
    )
    services.engine.dispose()
    labels = dict(zip(data.ids, map(str, data.labels), strict=True))
    return {
        "total": len(data.ids),
        "wrong": sum(answers[i].category != labels[i] for i in data.ids),
        "recorded": (data.ids[first_test], recorded.prediction_id),
        "splits": dict(zip(data.ids, map(str, data.splits), strict=True)),
    }


def _cards(duo: Any) -> list[Any]:
    return duo.driver.find_elements(By.CSS_SELECTOR, ".catalogue-grid > li")


def test_catalogue_lists_filters_pages_and_links(served, axe, truth) -> None:  # type: ignore[no-untyped-def]
    open_page(served, "/catalogue")
    title = served.find_element("#catalogue-results-title").text
    assert title == f"Products 1–{PAGE_SIZE} of {truth['total']:,}"
    assert len(_cards(served)) == PAGE_SIZE
    axe.assert_clean("/catalogue")

    # The form is plain HTML: choose, submit, and the view is in the URL.
    Select(served.find_element("#catalogue-misclassified")).select_by_visible_text("Wrong")
    served.find_element("form.audit-filters button[type=submit]").click()
    served.wait_for_contains_text("#catalogue-results-title", f"of {truth['wrong']}", timeout=60)
    assert "misclassified=true" in served.driver.current_url
    cards = _cards(served)
    assert cards and all("✗ wrong (it is " in card.text for card in cards)
    assert not any("✓ right" in card.text for card in cards)

    # Paging keeps the filter.
    open_page(served, "/catalogue?split=test")
    served.find_element("nav[aria-label=Pages] a").click()
    served.wait_for_contains_text("#catalogue-results-title", f"Products {PAGE_SIZE + 1}–")
    assert "split=test" in served.driver.current_url and "page=2" in served.driver.current_url
    assert all("· test" in card.text for card in _cards(served))

    # A product predicted before links to that prediction's explanation.
    uniq_id, prediction_id = truth["recorded"]
    open_page(served, "/catalogue?split=test")
    [card] = [c for c in _cards(served) if f"Explain #{prediction_id}" in c.text]
    similar = card.find_element(By.PARTIAL_LINK_TEXT, "Similar").get_attribute("href")
    assert similar.endswith(f"/similar?product={uniq_id}")
    card.find_element(By.PARTIAL_LINK_TEXT, f"Explain #{prediction_id}").click()
    served.wait_for_contains_text("#main-content", f"Prediction #{prediction_id}:", timeout=60)

    open_page(served, "/catalogue?category=Toys")
    message = served.find_element(".notice--error").text
    assert "Category: this value is not one of the choices." in message
    axe.assert_clean("/catalogue (a filter that is not valid)")


def test_confusion_matrix_counts_open_the_catalogue(served) -> None:  # type: ignore[no-untyped-def]
    open_page(served, "/models")
    table = served.find_element("#models-confusion-fusion-title").find_element(By.XPATH, "..")
    table.find_element(By.TAG_NAME, "summary").click()
    links = table.find_elements(By.CSS_SELECTOR, "details a[href^='/catalogue?']")
    assert links, "the fusion's confusion counts are not links"
    chosen = links[-1]
    label = chosen.get_attribute("title")
    chosen.click()
    served.wait_for_text_to_equal("#main-content h1", "Catalogue", timeout=60)
    url = served.driver.current_url
    assert "split=test" in url and "category=" in url and "predicted=" in url
    true, predicted = label.split(" ", 1)[1].split(" predicted as ")
    assert Select(served.find_element("#catalogue-category")).first_selected_option.text == true
    shown = Select(served.find_element("#catalogue-predicted")).first_selected_option.text
    assert shown == predicted
    assert all(f"Predicted {predicted}" in c.text for c in _cards(served))

    # The chart's cells carry the same links: a click on one follows it.
    open_page(served, "/models")
    graph = served.driver.find_element(By.CSS_SELECTOR, "[id*='models-confusion-fusion']")
    served.driver.execute_script("arguments[0].scrollIntoView();", graph)
    served.wait_for_element("#models-confusion-fusion .js-plotly-plot", timeout=30)
    served.driver.execute_script(
        "const g = document.querySelector('#models-confusion-fusion .js-plotly-plot');"
        "const z = g.data[0].customdata; g.emit('plotly_click', {points: [{customdata: z[0][0]}]});"
    )
    served.wait_for_text_to_equal("#main-content h1", "Catalogue", timeout=60)
