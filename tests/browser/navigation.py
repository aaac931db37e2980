"""Opening a page as a reader does: load it and wait for its heading."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.support.ui import WebDriverWait


def open_page(duo: Any, path: str, timeout: int = 60) -> None:
    duo.driver.get(duo.server_url + path)
    duo.wait_for_element("#main-content h1", timeout=timeout)


def drawn_charts(driver: Any) -> list[bool]:
    """For each chart slot on the page, in order: has its graph been drawn?"""
    return driver.execute_script(  # type: ignore[no-any-return]
        "return [...document.querySelectorAll('[data-lazy-chart]')]"
        ".map(s => !!s.querySelector('.js-plotly-plot .main-svg'));"
    )


def draw_every_chart(driver: Any) -> None:
    """Scroll each chart into view, as a reader would, and wait until it is drawn."""
    for index in range(len(drawn_charts(driver))):
        driver.execute_script(
            "document.querySelectorAll('[data-lazy-chart]')[arguments[0]].scrollIntoView();",
            index,
        )
        WebDriverWait(driver, 30).until(lambda d, i=index: drawn_charts(d)[i])
