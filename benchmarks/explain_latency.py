"""SHAP explanation time (cold and cached) and how well the fast cell map agrees with the
pixel map, on test products of the configured instance (run `vitrine demo` first).

    .venv/bin/python benchmarks/explain_latency.py [--products 30] [--max-evals 300]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from scipy.stats import spearmanr

from dashboard.services.explain import explain_prediction
from dashboard.services.prediction import predict_and_record
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=30)
    parser.add_argument("--max-evals", type=int, default=300)
    args = parser.parse_args()
    return _run(Services.from_settings(Settings()), args)


def _run(services: Services, args: argparse.Namespace) -> int:
    data = catalogue_data(services)
    test = data.index("test")[: args.products + 1]
    timings: dict[str, list[float]] = {"cells": [], "pixels": [], "cached": []}
    agreement = []
    for n, i in enumerate(test):
        recorded = predict_and_record(
            services,
            data.image_paths[i].read_bytes(),
            data.texts[i],
            source="batch",
            request_id="benchmark-explain",
        )
        results = {}
        for mode in ("cells", "pixels"):
            started = time.perf_counter()
            results[mode] = explain_prediction(
                services, recorded.prediction_id, pixels=mode == "pixels", max_evals=args.max_evals
            )
            if n:  # the first product pays one-off compilation and loading
                timings[mode].append(time.perf_counter() - started)
        started = time.perf_counter()
        explain_prediction(services, recorded.prediction_id)
        timings["cached"].append(time.perf_counter() - started)
        if n:
            rho = spearmanr(
                results["cells"].image.grid.ravel(), results["pixels"].image.grid.ravel()
            )[0]
            agreement.append(float(rho))
    print(f"{len(test) - 1} test products, pixel max_evals={args.max_evals}, 2 threads\n")
    print(f"{'explanation':<28} {'p50 s':>8} {'p95 s':>8}")
    for name, label in (
        ("cells", "fast: 7x7 cells (cold)"),
        ("pixels", "pixels: Partition (cold)"),
        ("cached", "repeat (cached)"),
    ):
        values = timings[name]
        print(
            f"{label:<28} {statistics.median(values):>8.3f} "
            f"{float(np.percentile(values, 95)):>8.3f}"
        )
    print(
        f"\nrank correlation of cell importances, fast vs pixels: median "
        f"{statistics.median(agreement):+.2f} (quartiles {np.percentile(agreement, 25):+.2f} "
        f"to {np.percentile(agreement, 75):+.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
