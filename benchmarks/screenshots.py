"""Full-page screenshots of every page at 1280 and 640 px, for anyone to look at.

Serves the configured instance (run `vitrine demo --no-serve` first) with gunicorn on a free
port, opens each page in headless Chromium, scrolls so every lazy chart is drawn, and saves
`<out>/<page>-<width>.png`; prints one line per file.

    .venv/bin/python benchmarks/screenshots.py [--out screenshots] [--pages /,/catalogue]
        [--widths 1280,640]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from selenium import webdriver
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


def shoot(base: str, paths: list[str], widths: list[int], out: Path, chrome: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    driver = _driver(chrome)
    saved = []
    try:
        for width in widths:
            for path in paths:
                driver.set_window_size(width, 900)
                driver.get(base + path)
                WebDriverWait(driver, 60).until(
                    lambda d: d.find_elements("css selector", "#main-content h1")
                )
                driver.execute_script(f"return (async () => {{ {DRAW_ALL} }})();")
                time.sleep(0.5)
                height = driver.execute_script("return document.documentElement.scrollHeight;")
                driver.set_window_size(width, min(int(height) + 120, 16000))
                time.sleep(0.3)
                target = out / f"{_name(path)}-{width}.png"
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
    args = parser.parse_args()
    widths = [int(w) for w in args.widths.split(",")]
    chrome = chromium()
    with gunicorn(workers=1) as base:
        shoot(base, page_paths(args.pages), widths, args.out, chrome)


if __name__ == "__main__":
    main()
