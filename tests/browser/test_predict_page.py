"""The predict page in a real browser: upload, result, refusal; axe-clean in each state."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.services.state import Services
from dashboard.web.app import create_app
from db.engine import session_scope
from db.repo_predictions import count_predictions

pytestmark = pytest.mark.browser


@pytest.fixture
def predict_page(dash_duo, trained_settings):  # type: ignore[no-untyped-def]
    dash_duo.start_server(create_app(trained_settings).extensions["dash"])
    dash_duo.driver.get(dash_duo.server_url + "/predict")
    dash_duo.wait_for_element("#predict-submit", timeout=15)
    return dash_duo


def _audit_rows(settings) -> int:  # type: ignore[no-untyped-def]
    with session_scope(Services.from_settings(settings).sessions) as session:
        return count_predictions(session)


def _upload(duo, path: Path) -> None:  # type: ignore[no-untyped-def]
    duo.driver.find_element(By.CSS_SELECTOR, "#predict-upload input[type=file]").send_keys(
        str(path)
    )
    duo.wait_for_text_to_equal("#predict-file-status", f"Selected: {path.name}", timeout=10)


def test_upload_with_text_shows_a_result(predict_page, axe, trained_settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dashboard.services.training import catalogue_data

    data = catalogue_data(Services.from_settings(trained_settings))
    photo = tmp_path / "product.jpg"
    photo.write_bytes(data.image_paths[0].read_bytes())
    before = _audit_rows(trained_settings)

    _upload(predict_page, photo)
    predict_page.find_element("#predict-name").send_keys("Titan analog wrist watch")
    predict_page.find_element("#predict-submit").click()
    predict_page.wait_for_contains_text("#predict-status", "Predicted", timeout=30)

    result = predict_page.find_element("#predict-result").text
    assert "Category:" in result and "Confidence:" in result
    assert "Model: fusion v" in result
    # The photo that was classified is shown with the answer, as stored with it.
    photo_shown = predict_page.find_element("#predict-result img.result__photo")
    assert photo_shown.get_attribute("alt").startswith("The photo of prediction #")
    WebDriverWait(predict_page.driver, 20).until(
        lambda d: d.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth > 0;", photo_shown
        )
    )
    assert len(predict_page.driver.find_elements(By.CSS_SELECTOR, ".product-card")) == 6
    assert _audit_rows(trained_settings) == before + 1
    predict_page.driver.execute_script(
        "document.querySelectorAll('details').forEach(d => d.open = true);"
    )
    axe.assert_clean("/predict (result)")


def test_photo_without_text_uses_the_fallback(predict_page, trained_settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    photo = tmp_path / "plain.png"
    Image.new("RGB", (300, 200), (200, 40, 40)).save(photo)
    _upload(predict_page, photo)
    predict_page.find_element("#predict-submit").click()
    predict_page.wait_for_contains_text("#predict-status", "image-only fallback", timeout=30)
    assert "Image-only fallback" in predict_page.find_element("#predict-result").text


def test_refusal_is_announced_and_records_nothing(
    predict_page,
    axe,
    trained_settings,  # type: ignore[no-untyped-def]
    tmp_path,
) -> None:
    fake = tmp_path / "not-an-image.png"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    before = _audit_rows(trained_settings)
    _upload(predict_page, fake)
    predict_page.find_element("#predict-submit").click()
    predict_page.wait_for_contains_text("#predict-status", "Nothing was predicted", timeout=30)
    status = predict_page.find_element("#predict-status")
    assert status.get_attribute("aria-live") == "polite"
    assert "not a readable image" in status.text
    assert predict_page.find_element("#predict-result").text == ""
    assert _audit_rows(trained_settings) == before
    axe.assert_clean("/predict (refusal)")


def test_upload_box_opens_from_the_keyboard(predict_page) -> None:  # type: ignore[no-untyped-def]
    driver = predict_page.driver
    predict_page.wait_for_element(".upload-zone [role=button]", timeout=10)
    zone = driver.find_element(By.CSS_SELECTOR, ".upload-zone [role=button]")
    assert zone.get_attribute("tabindex") == "0"
    # Named by the field label and its own visible words (label in name, WCAG 2.5.3).
    assert (
        zone.get_attribute("aria-labelledby") == f"predict-upload-label {zone.get_attribute('id')}"
    )
    assert zone.accessible_name.startswith("Product photo Drag and drop a photo here, or choose")
    # Tab from the page start reaches the upload box before the text fields.
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    for _ in range(30):
        active = driver.switch_to.active_element
        if active.get_attribute("role") == "button" and "upload" in (
            active.get_attribute("aria-labelledby") or ""
        ):
            break
        active.send_keys(Keys.TAB)
    else:
        raise AssertionError("Tab never reached the upload box")
    # Enter opens the file chooser: the hidden input receives a click.
    driver.execute_script(
        "window.__opened = false; document.querySelector('#predict-upload input[type=file]')"
        ".addEventListener('click', e => { window.__opened = true; e.preventDefault(); });"
    )
    active.send_keys(Keys.ENTER)
    assert driver.execute_script("return window.__opened;") is True


def test_explanation_page_with_results_passes_axe(dash_duo, axe, trained_settings) -> None:  # type: ignore[no-untyped-def]
    from dashboard.services.prediction import predict_and_record
    from dashboard.services.training import catalogue_data

    services = Services.from_settings(trained_settings)
    data = catalogue_data(services)
    # A text of its own, so no other test's cached explanation answers for this one.
    recorded = predict_and_record(
        services,
        data.image_paths[1].read_bytes(),
        f"{data.texts[1]} {uuid.uuid4().hex[:8]}",
        source="api",
        request_id="browser-explain",
    )
    dash_duo.start_server(create_app(trained_settings).extensions["dash"])
    dash_duo.driver.get(f"{dash_duo.server_url}/explain?prediction={recorded.prediction_id}")
    # The first explanation in a process compiles shap's numba kernels: allow for that.
    dash_duo.wait_for_element(f"#explain-image-{recorded.prediction_id}-title", timeout=180)
    text = dash_duo.find_element("#main-content").text
    assert "Fast map: where the photo pushed towards" in text
    assert "Which words moved the text score" in text
    # The pixel-level map follows from the background job, with its status announced.
    dash_duo.wait_for_element(f"#explain-pixels-{recorded.prediction_id}-title", timeout=180)
    dash_duo.wait_for_text_to_equal("#explain-pixels-status", "Pixel-level map ready.")
    assert dash_duo.find_element("#explain-pixels-cancel").get_attribute("disabled")
    dash_duo.driver.execute_script(
        "document.querySelectorAll('details').forEach(d => d.open = true);"
    )
    axe.assert_clean("/explain (with results)")


def test_a_catalogue_product_is_not_its_own_neighbour(predict_page, trained_settings) -> None:  # type: ignore[no-untyped-def]
    from dashboard.services.training import catalogue_data

    data = catalogue_data(Services.from_settings(trained_settings))
    product = data.ids[int(data.index("test")[1])]
    predict_page.find_element("#predict-product-id").send_keys(product)
    predict_page.find_element("#predict-submit").click()
    predict_page.wait_for_contains_text("#predict-status", "Predicted", timeout=30)
    links = [
        a.get_attribute("href")
        for a in predict_page.driver.find_elements(By.CSS_SELECTOR, ".product-card a")
    ]
    assert len(predict_page.driver.find_elements(By.CSS_SELECTOR, ".product-card")) == 6
    assert links and not any(href.endswith(f"product={product}") for href in links), links
