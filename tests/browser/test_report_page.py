"""The decision report as a browser opens it: axe-clean, and reached from the audit trail and
the Explain page."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from dashboard.services.prediction import predict_and_record
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from tests.browser.navigation import open_page

pytestmark = pytest.mark.browser


def test_the_report_page_is_accessible_and_linked_from_audit_and_explain(  # type: ignore[no-untyped-def]
    served, axe, trained_settings: Settings
) -> None:
    services = Services.from_settings(trained_settings)
    data = catalogue_data(services)
    i = int(data.index("test")[5])
    pid = predict_and_record(
        services, data.image_paths[i].read_bytes(), data.texts[i], source="ui", request_id="br-1"
    ).prediction_id
    services.engine.dispose()
    driver = served.driver

    driver.get(f"{served.server_url}/api/predictions/{pid}/report")
    served.wait_for_contains_text("h1", f"Prediction #{pid}:", timeout=60)
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    axe.assert_clean("the decision report (HTML)")

    open_page(served, "/audit?page_size=500")
    name = f"Decision report of prediction {pid} (PDF)"
    link = driver.find_element(By.CSS_SELECTOR, f'#audit-table a[aria-label="{name}"]')
    assert link.get_attribute("href").endswith(f"/api/predictions/{pid}/report?format=pdf&lang=en")
    axe.assert_clean("/audit (with report links)")

    open_page(served, f"/explain?prediction={pid}")
    served.wait_for_contains_text("#main-content", f"Prediction #{pid}:", timeout=60)
    pdf = driver.find_element(By.LINK_TEXT, "Download the decision report (PDF)")
    assert pdf.get_attribute("href").endswith(f"/api/predictions/{pid}/report?format=pdf&lang=en")
