"""Every registered page, in a real browser: no axe violation, and the skip link works."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.app import create_app
from dashboard.pages import PAGES
from dashboard.resources import migrations_dir
from db import migrations
from tests.conftest import make_settings

pytestmark = pytest.mark.browser


@pytest.fixture
def served(dash_duo, tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    migrations.upgrade(url, migrations_dir())
    server = create_app(make_settings(tmp_path, url))
    dash_duo.start_server(server.extensions["dash"])
    return dash_duo


def _open(duo, path: str) -> None:  # type: ignore[no-untyped-def]
    duo.driver.get(duo.server_url + path)
    duo.wait_for_element("#main-content h1", timeout=15)


@pytest.mark.parametrize("page", PAGES, ids=lambda m: m.PATH)
def test_page_passes_axe_wcag21aa(served, axe, page) -> None:  # type: ignore[no-untyped-def]
    _open(served, page.PATH)
    assert served.driver.title == page.TITLE
    axe.assert_clean(page.PATH)


@pytest.mark.parametrize("page", PAGES, ids=lambda m: m.PATH)
def test_first_tab_reaches_skip_link_which_moves_focus_to_main(served, page) -> None:  # type: ignore[no-untyped-def]
    _open(served, page.PATH)
    driver = served.driver
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = driver.switch_to.active_element
    assert focused.text == "Skip to main content"
    assert focused.is_displayed()

    focused.send_keys(Keys.ENTER)
    inside_main = driver.execute_script(
        "return document.getElementById('main-content').contains(document.activeElement);"
    )
    assert inside_main


def test_navigation_marks_the_current_page(served) -> None:  # type: ignore[no-untyped-def]
    _open(served, "/accessibility")
    served.wait_for_element('.site-nav [aria-current="page"]', timeout=10)
    current = served.driver.find_elements(By.CSS_SELECTOR, '.site-nav [aria-current="page"]')
    assert [link.text for link in current] == ["Accessibility"]


def test_empty_catalogue_names_the_command_that_fills_it(served) -> None:  # type: ignore[no-untyped-def]
    _open(served, "/")
    text = served.find_element("#main-content").text
    assert "The catalogue is empty" in text
    assert "vitrine demo" in text
