"""The Models page with a version in shadow, and the Explain page on the shadow's answer, as a
browser shows them: axe-clean, the comparison in words and tables, and promotion from the
keyboard announced in the status line."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.services import shadow
from dashboard.services.model_roles import put_in_shadow
from dashboard.services.state import Services
from dashboard.web.app import create_app
from db.engine import session_scope
from db.models import Prediction, ShadowAnswer
from tests.browser.navigation import open_page
from tests.dashboard.shadow_instance import record_watches, shadow_instance

pytestmark = pytest.mark.browser


@pytest.fixture
def shadowed(dash_duo, tmp_path_factory, trained_settings) -> tuple[Any, list[int]]:  # type: ignore[no-untyped-def]
    settings = shadow_instance(tmp_path_factory.mktemp("shadow-page"), trained_settings)
    services = Services.from_settings(settings)
    put_in_shadow(services, "fusion", 2, None)
    live = record_watches(services, "shadow-page")
    shadow.wait(services)
    with session_scope(services.sessions) as session:
        differ = [
            r.prediction_id
            for r in live
            if session.get(Prediction, r.prediction_id).category  # type: ignore[union-attr]
            != session.query(ShadowAnswer).filter_by(prediction_id=r.prediction_id).one().category
        ]
    services.engine.dispose()
    dash_duo.start_server(create_app(settings).extensions["dash"])
    return dash_duo, differ


def test_models_page_with_a_shadow_passes_axe_and_promotes_by_keyboard(shadowed, axe) -> None:  # type: ignore[no-untyped-def]
    duo, differ = shadowed
    assert differ
    open_page(duo, "/models")
    duo.wait_for_contains_text("#main-content", "fusion v2, in shadow of v1", timeout=30)
    tables = duo.driver.find_elements(
        By.XPATH, "//table[caption[contains(., 'answered differently')]]//tbody/tr"
    )
    assert len(tables) == len(differ) and f"#{max(differ)}" in tables[0].text
    axe.assert_clean("/models (a version in shadow)")

    # The shadow's answer, explained on its own page.
    link = duo.driver.find_element(
        By.CSS_SELECTOR, f"a[href='/explain?prediction={max(differ)}&shadow=1']"
    )
    duo.driver.get(link.get_attribute("href"))
    duo.wait_for_contains_text("#main-content", "the answer of fusion v2, in shadow", timeout=60)
    axe.assert_clean("/explain (the answer of a version in shadow)")

    # Promotion from the keyboard; the status line says what happened.
    open_page(duo, "/models")
    promote = duo.wait_for_element("button[id*='models-shadow-promote']", timeout=30)
    duo.driver.execute_script("arguments[0].focus();", promote)
    promote.send_keys(Keys.ENTER)
    duo.wait_for_contains_text(
        "#models-shadow-status", "fusion v2 is now active (v1 was)", timeout=30
    )
    assert duo.find_element("#models-shadow-status").get_attribute("role") == "status"
    axe.assert_clean("/models (a shadow promoted)")
