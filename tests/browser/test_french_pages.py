"""Every page in French, in a real browser: the language switch by keyboard, `<html lang>`,
translated titles and headings, and no axe violation."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.pages import PAGES
from dashboard.services.locales import translations
from tests.browser.navigation import draw_every_chart, open_page

pytestmark = pytest.mark.browser
FRENCH = translations("fr")
LANG = "return document.documentElement.lang"


def _choose_french(duo) -> None:  # type: ignore[no-untyped-def]
    """Follow the header's link once: the choice is kept in this browser's cookie."""
    duo.driver.get(duo.server_url + "/language/fr?next=/")
    duo.wait_for_element("#main-content h1", timeout=60)


@pytest.mark.parametrize("page", PAGES, ids=lambda m: m.PATH)
def test_page_in_french_passes_axe(served, axe, page) -> None:  # type: ignore[no-untyped-def]
    _choose_french(served)
    open_page(served, page.PATH)
    driver = served.driver
    assert driver.execute_script(LANG) == "fr"
    assert driver.title == FRENCH.gettext(page.TITLE)
    skip = driver.find_element(By.CSS_SELECTOR, ".skip-link").get_attribute("textContent")
    assert skip == "Aller au contenu principal"
    nav = driver.find_element(By.CSS_SELECTOR, ".site-nav").text
    assert "Prédire" in nav and "Predict" not in nav
    driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true);")
    draw_every_chart(driver)
    axe.assert_clean(f"{page.PATH} (French)")


def test_language_switch_by_keyboard_keeps_the_page_and_announces_the_language(served, axe) -> None:  # type: ignore[no-untyped-def]
    open_page(served, "/models?model=vit")
    driver = served.driver
    assert driver.execute_script(LANG) == "en"
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    for _ in range(10):
        focused = driver.switch_to.active_element
        if focused.text == "Français":
            break
        focused.send_keys(Keys.TAB)
    else:
        raise AssertionError("the Français link was never reached with Tab")
    assert focused.get_attribute("lang") == "fr"
    focused.send_keys(Keys.ENTER)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(LANG) == "fr")
    served.wait_for_element("#main-content h1", timeout=60)
    assert driver.current_url.endswith("/models?model=vit")
    assert (
        driver.find_element(By.CSS_SELECTOR, "#main-content h1").text == "Comparaison des modèles"
    )
    switch = driver.find_element(By.ID, "site-language")
    assert switch.get_attribute("aria-label") == "Langue"
    current = switch.find_element(By.CSS_SELECTOR, '[aria-current="true"]')
    assert current.text == "Français"
    axe.assert_clean("/models (French, after the switch)")
    # The choice is kept: another page opens in French too, its scripts' words included (the
    # number field's steppers), and English is one link away.
    open_page(served, "/explain")
    stepper = 'button[aria-label="Diminuer Numéro de prédiction"]'
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, stepper))
    open_page(served, "/audit")
    assert driver.execute_script(LANG) == "fr"
    assert driver.find_element(By.CSS_SELECTOR, "#main-content h1").text == "Journal d'audit"
    switch = driver.find_element(By.ID, "site-language")
    switch.find_element(By.LINK_TEXT, "English").click()
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(LANG) == "en")
    served.wait_for_element("#main-content h1", timeout=60)
    assert driver.find_element(By.CSS_SELECTOR, "#main-content h1").text == "Audit trail"
