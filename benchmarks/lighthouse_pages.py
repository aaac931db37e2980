"""Lighthouse accessibility and performance scores of every page, in headless Chromium.

Serves the configured instance (run `vitrine demo --no-serve` first) with gunicorn on a free
port, runs the npm package `lighthouse` against each registered page, and prints a table.
Lighthouse is installed into node_modules on first use (`npm install --no-save lighthouse`).

    .venv/bin/python benchmarks/lighthouse_pages.py [--pages /,/predict] [--runs 1]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from serving import chromium, gunicorn, page_paths  # benchmarks/serving.py, next to this script

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"


def _ensure_lighthouse() -> None:
    if not LIGHTHOUSE.exists():
        subprocess.run(
            ["npm", "install", "--no-save", "--no-audit", "--no-fund", "lighthouse@12"],
            cwd=ROOT,
            check=True,
        )


def _score(url: str, chrome: str, folder: Path, attempts: int = 3) -> dict[str, float]:
    """One Lighthouse run; retried, since Chromium's trace now and then misses a navigation."""
    for attempt in range(1, attempts + 1):
        try:
            return _score_once(url, chrome, folder)
        except subprocess.CalledProcessError:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


def _score_once(url: str, chrome: str, folder: Path) -> dict[str, float]:
    out = folder / "report.json"
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--only-categories=accessibility,performance",
            "--output=json",
            f"--output-path={out}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            "--form-factor=desktop",
            "--screenEmulation.mobile=false",
            "--screenEmulation.width=1350",
            "--screenEmulation.height=940",
            "--throttling-method=provided",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": chrome},
        timeout=240,
    )
    report = json.loads(out.read_text())
    audits = report["audits"]
    return {
        "accessibility": report["categories"]["accessibility"]["score"] * 100,
        "performance": report["categories"]["performance"]["score"] * 100,
        "fcp_ms": audits["first-contentful-paint"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "failed": [
            a["id"]
            for a in audits.values()
            if a.get("score") == 0 and a.get("scoreDisplayMode") == "binary"
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", help="Comma-separated paths (default: every page).")
    parser.add_argument("--runs", type=int, default=1, help="Runs per page; medians are shown.")
    args = parser.parse_args()
    chrome = chromium()
    _ensure_lighthouse()
    paths = page_paths(args.pages)
    with gunicorn(2) as base:
        print(f"Lighthouse on {base}, {args.runs} run(s) per page, desktop, no throttling\n")
        print(
            f"{'page':<16} {'a11y':>5} {'perf':>5} {'FCP ms':>8} {'LCP ms':>8} {'TBT ms':>8} "
            f"{'CLS':>6}  failed audits"
        )
        with tempfile.TemporaryDirectory() as tmp:
            for path in paths:
                runs = [_score(base + path, chrome, Path(tmp)) for _ in range(args.runs)]
                med = {
                    k: statistics.median(r[k] for r in runs)
                    for k in ("accessibility", "performance", "fcp_ms", "lcp_ms", "tbt_ms", "cls")
                }
                failed = sorted({a for r in runs for a in r["failed"]})
                print(
                    f"{path:<16} {med['accessibility']:>5.0f} {med['performance']:>5.0f} "
                    f"{med['fcp_ms']:>8.0f} {med['lcp_ms']:>8.0f} {med['tbt_ms']:>8.0f} "
                    f"{med['cls']:>6.3f}  {', '.join(failed) or '-'}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
