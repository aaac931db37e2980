"""Full-page screenshots of every page, and of each page's states, at 1280 and 640 px.

Serves the configured instance (run `vitrine demo --no-serve` first) with gunicorn on a free
port, opens each page in headless Chromium, scrolls so every lazy chart is drawn, and saves
`<out>/<page>-<width>.png`; then the states a page reaches by a query or an action (a
prediction's result, a refused input, a product search, a pixel map, a what-if, filters with and
without rows, a filter that is not valid, a page that does not exist) as
`<out>/<state>-<width>.png`. Prints one line per file.

    .venv/bin/python benchmarks/screenshots.py [--out screenshots] [--pages /,/catalogue]
        [--widths 1280,640] [--no-states]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from serving import chromium, gunicorn, page_paths  # benchmarks/serving.py, next to this script

# Scroll through the page so the charts drawn on sight are drawn, then back to the top.
DRAW_ALL = """
const step = innerHeight / 2;
for (let y = 0; y < document.body.scrollHeight; y += step) {
  window.scrollTo(0, y);
  await new Promise(r => setTimeout(r, 150));
}
window.scrollTo(0, 0);
"""


def _driver(chrome: str) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = chrome
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options)


def _name(path: str) -> str:
    return path.strip("/").replace("/", "-") or "overview"


Action = Callable[[webdriver.Chrome], None]


def _wait_text(selector: str, text: str, timeout: float = 300) -> Action:
    def wait(driver: webdriver.Chrome) -> None:
        WebDriverWait(driver, timeout).until(
            lambda d: any(text in e.text for e in d.find_elements("css selector", selector))
        )

    return wait


def _click(selector: str, then: Action) -> Action:
    def act(driver: webdriver.Chrome) -> None:
        element = driver.find_element("css selector", selector)
        # Charts drawn on sight move the layout while Selenium aims: click from the page.
        driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element
        )
        then(driver)

    return act


def _what_if_without_text(driver: webdriver.Chrome) -> None:
    _wait_text("#explain-pixels-status", "ready")(driver)
    for selector in ("#what-if-name", "#what-if-description"):
        field = driver.find_element("css selector", selector)
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(Keys.BACKSPACE)
    _click("#what-if-run", _wait_text("#what-if-status", "Nothing was recorded"))(driver)


def states() -> list[tuple[str, str, Action | None]]:
    """(file name, path, what to do before the shot) of each state worth looking at, with a
    catalogue product and a recorded prediction of the configured instance."""
    from sqlalchemy import select

    from dashboard.services.products import find_product
    from dashboard.services.state import Services
    from dashboard.services.training import catalogue_data
    from dashboard.settings import Settings
    from db.engine import session_scope
    from db.models import Prediction

    services = Services.from_settings(Settings())
    data = catalogue_data(services)
    first = int(data.index("test")[0])
    product = data.ids[first]
    name = find_product(services, product).product_name
    word = max(name.split(), key=len)  # to search the catalogue by
    with session_scope(services.sessions) as session:
        prediction = session.scalar(select(Prediction.id).order_by(Prediction.id.desc()))
    services.engine.dispose()
    explain = f"/explain?prediction={prediction}"
    return [
        (
            "predict-result",
            f"/predict?product={product}",
            _click("#predict-submit", _wait_text("#predict-status", "Predicted")),
        ),
        ("predict-refused", "/predict", _click("#predict-submit", _wait_text("main", "Choose"))),
        ("similar-product", f"/similar?product={product}", None),
        ("predict-search", f"/predict?q={word}", None),
        ("similar-search-none", "/similar?q=zzzz-no-such-product", None),
        ("explain-prediction", explain, _wait_text("#explain-pixels-status", "ready")),
        ("explain-what-if", explain, _what_if_without_text),
        ("explain-unknown", "/explain?prediction=999999999", None),
        ("catalogue-misclassified", "/catalogue?misclassified=true", None),
        ("catalogue-not-valid", "/catalogue?category=Nope", None),
        ("audit-needs-review", "/audit?needs_review=true", None),
        ("audit-not-valid", "/audit?max_confidence=900", None),
        ("review-reviewed", "/review?status=reviewed", None),
        ("review-suspect-labels", "/review?reason=suspect_label&status=any", None),
        ("review-not-valid", "/review?max_margin=150", None),
        ("not-found", "/no-such-page", None),
    ]


def shoot(
    base: str,
    shots: list[tuple[str, str, Action | None]],
    widths: list[int],
    out: Path,
    chrome: str,
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    driver = _driver(chrome)
    saved = []
    try:
        for width in widths:
            for name, path, action in shots:
                driver.set_window_size(width, 900)
                driver.get(base + path)
                WebDriverWait(driver, 60).until(
                    lambda d: d.find_elements("css selector", "#main-content h1")
                )
                if action is not None:
                    action(driver)
                driver.execute_script(f"return (async () => {{ {DRAW_ALL} }})();")
                time.sleep(0.5)
                height = driver.execute_script("return document.documentElement.scrollHeight;")
                driver.set_window_size(width, min(int(height) + 120, 16000))
                time.sleep(0.3)
                target = out / f"{name}-{width}.png"
                driver.save_screenshot(str(target))
                saved.append(target)
                print(f"{target}  ({width} px wide)")
    finally:
        driver.quit()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--pages", help="Comma-separated paths (default: every page).")
    parser.add_argument("--widths", default="1280,640", help="Comma-separated widths in px.")
    parser.add_argument("--no-states", action="store_true", help="Pages only, no states.")
    args = parser.parse_args()
    widths = [int(w) for w in args.widths.split(",")]
    chrome = chromium()
    shots: list[tuple[str, str, Action | None]] = [
        (_name(path), path, None) for path in page_paths(args.pages)
    ]
    if not args.no_states and not args.pages:
        shots += states()
    with gunicorn(workers=1) as base:
        shoot(base, shots, widths, args.out, chrome)


if __name__ == "__main__":
    main()
