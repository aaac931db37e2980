"""Time to first render of every page in headless Chromium, and the size of its figures.

Serves the configured instance (run `vitrine demo --no-serve` first) with gunicorn (whose
workers render every page once as they start), opens each page with a cold browser cache several
times, and prints medians of, from navigation start:
- first render: the page's h1 is in the DOM (Dash has fetched the layout and drawn it);
- complete: the last DOM change before the page stays still for 500 ms with nothing loading
  (every figure on the first screen drawn, every callback answered);
plus how many of the page's charts were drawn on load (charts further down are drawn when
scrolled to), and the figures' data once every chart is drawn (JSON bytes of the dcc.Graph
figures, and points across traces), which server-side downsampling keeps bounded whatever the
catalogue or audit size.

    .venv/bin/python benchmarks/page_render.py [--pages /,/similar] [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from serving import chromium, gunicorn, page_paths  # benchmarks/serving.py, next to this script

# Installed before any page script runs: records when the h1 appears and the last DOM change.
PROBE = """
window.__render = {first: null, last: 0};
new MutationObserver(() => {
  const now = performance.now();
  window.__render.last = now;
  if (window.__render.first === null && document.querySelector('h1')) {
    window.__render.first = now;
  }
}).observe(document, {childList: true, subtree: true, attributes: true});
"""

SETTLED = """
const r = window.__render;
const busy = document.querySelector('[data-dash-is-loading="true"], .dash-graph--pending');
return r && r.first !== null && !busy && performance.now() - r.last > 500 ? r : null;
"""

DRAWN = """
const slots = [...document.querySelectorAll('[data-lazy-chart]')];
return [slots.filter(s => s.querySelector('.js-plotly-plot .main-svg')).length, slots.length];
"""

FIGURES = """
const count = (trace) => {
  if (trace.z && trace.z.length) return trace.z.reduce((n, row) => n + (row.length || 1), 0);
  const values = trace.x || trace.y || trace.values || [];
  return values.length || 0;
};
return [...document.querySelectorAll('.js-plotly-plot')].map((graph) => ({
  bytes: JSON.stringify({data: graph.data, layout: graph.layout}).length,
  points: (graph.data || []).reduce((n, trace) => n + count(trace), 0),
}));
"""


def _browser(chrome: str) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = chrome
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1350,940",
        "--force-prefers-reduced-motion",
    ):
        options.add_argument(flag)
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
    driver.execute_cdp_cmd("Network.enable", {})
    return driver


def _load(driver: webdriver.Chrome, url: str, timeout: float = 60) -> dict[str, float]:
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.get(url)
    return _settle(driver, url, timeout)


def _draw_every_chart(driver: webdriver.Chrome) -> None:
    """Scroll each chart into view, then wait until the page is still again."""
    for index in range(driver.execute_script(DRAWN)[1]):
        driver.execute_script(
            "document.querySelectorAll('[data-lazy-chart]')[arguments[0]].scrollIntoView();",
            index,
        )
        time.sleep(0.2)
    _settle(driver, "every chart")


def _settle(driver: webdriver.Chrome, what: str, timeout: float = 60) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = driver.execute_script(SETTLED)
        if state:
            return {"first": state["first"], "complete": state["last"]}
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not settle in {timeout:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", help="Comma-separated paths (default: every page).")
    parser.add_argument("--runs", type=int, default=5, help="Loads per page; medians are shown.")
    args = parser.parse_args()
    chrome = chromium()
    paths = page_paths(args.pages)
    with gunicorn(2) as base:
        driver = _browser(chrome)
        try:
            print(f"{base}, headless Chromium, cold browser cache, median of {args.runs} loads\n")
            print(
                f"{'page':<16} {'first render ms':>15} {'complete ms':>12} "
                f"{'drawn on load':>13} {'figure kB':>10} {'points':>8}"
            )
            for path in paths:
                loads = [_load(driver, base + path) for _ in range(args.runs)]
                drawn, charts = driver.execute_script(DRAWN)
                _draw_every_chart(driver)
                figures = driver.execute_script(FIGURES)
                print(
                    f"{path:<16} {statistics.median(r['first'] for r in loads):>15.0f} "
                    f"{statistics.median(r['complete'] for r in loads):>12.0f} "
                    f"{f'{drawn} of {charts}':>13} "
                    f"{sum(f['bytes'] for f in figures) / 1000:>10.1f} "
                    f"{sum(f['points'] for f in figures):>8,}"
                )
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
