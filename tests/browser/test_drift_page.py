"""The Drift page with a report and its alerts, as a browser shows it: axe-clean, alerts
listed with their outcome."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from selenium.webdriver.common.by import By

from dashboard.services.drift import DriftWindow, run_and_store, simulate
from dashboard.services.drift_alerts import send_alert
from dashboard.services.state import Services
from dashboard.settings import Settings
from tests.browser.navigation import open_page

pytestmark = pytest.mark.browser


def test_drift_page_lists_alerts_and_passes_axe(served, axe, trained_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    services = Services.from_settings(
        trained_settings.model_copy(update={"drift_webhook_url": "http://127.0.0.1:9/hook"})
    )
    started = datetime.now(UTC)
    simulate(services, count=35, seed=5)
    stored = run_and_store(services, DriftWindow(since=started))
    outcome = send_alert(services, stored, backoff_s=0)  # nothing listens on port 9
    services.engine.dispose()
    assert not outcome.sent

    open_page(served, "/drift")
    served.wait_for_contains_text("#main-content", "Alerts", timeout=30)
    alerts = "//table[caption[contains(., 'drift alerts')]]//tbody/tr"
    rows = served.driver.find_elements(By.XPATH, alerts)
    assert rows and f"#{stored.report_id}" in rows[0].text and "failed" in rows[0].text
    axe.assert_clean("/drift (a report and its alerts)")
