"""Leave-one-style-out of the demo's fallback candidates, one held-out set at a time vs one per
core at once (threads), side by side, and whether both give the same scores.

This is the style-shift step of `vitrine demo` (baseline and stage_probe, learning from the
training views) on the configured instance's catalogue (run `vitrine demo` first).

    .venv/bin/python benchmarks/style_shift_workers.py
"""

from __future__ import annotations

import os
import time

from dashboard.services.demo import DEMO_SHIFT_MODELS
from dashboard.services.state import Services
from dashboard.services.style_shift import shift_data
from dashboard.settings import Settings
from ml.style_shift import StyleShift, leave_one_style_out, mean_scores


def main() -> None:
    services = Services.from_settings(Settings())
    data, styles, inputs, views = shift_data(
        services, services.settings.training_view_names, names=DEMO_SHIFT_MODELS, progress=False
    )
    cores = os.cpu_count() or 1
    runs: dict[int, tuple[float, StyleShift]] = {}
    for workers in (1, cores):
        start = time.perf_counter()
        shift = leave_one_style_out(
            inputs,
            data.labels,
            data.splits,
            styles,
            DEMO_SHIFT_MODELS,
            review_threshold=services.settings.review_threshold,
            progress=False,
            views=views,
            workers=workers,
        )
        runs[workers] = (time.perf_counter() - start, shift)
    print(f"{len(set(styles) - {''})} art sets, models {', '.join(DEMO_SHIFT_MODELS)}")
    print(f"{'held-out sets at once':22} {'seconds':>8}")
    for workers, (seconds, _) in runs.items():
        print(f"{workers:<22} {seconds:>8.1f}")
    print(f"{cores} at once is {runs[1][0] / runs[cores][0]:.2f}x faster")
    alone, together = (mean_scores(runs[w][1].folds) for w in (1, cores))
    print(f"same scores either way: {alone == together}")


if __name__ == "__main__":
    main()
