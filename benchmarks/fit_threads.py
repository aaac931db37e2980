"""Model fits with OpenBLAS's default threads vs one thread, side by side.

The shapes are those of a style-shift fold of the demo (about 630 training products, the
stage probe's 2,608 features, 7 categories), drawn at random, so no demo is needed. Each
configuration runs `--repeats` times; the median is printed.

    .venv/bin/python benchmarks/fit_threads.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_info

from ml.models.inputs import ModelInputs
from ml.training import fit_calibrated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n, d, k = 800, 2608, 7
    y = rng.integers(0, k, size=n)
    centres = rng.normal(0, 1, size=(k, d)).astype(np.float32)
    features = (centres[y] * 0.3 + rng.normal(0, 1, size=(n, d))).astype(np.float32)
    inputs = ModelInputs(
        embeddings=features[:, :1280],
        fmaps=np.zeros((n, 1, 1, 1), dtype=np.float32),  # unused by the linear probes
        texts=("",) * n,
        stages=features,
    )
    train, val = np.arange(630), np.arange(630, n)
    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    print(f"cores: {os.cpu_count()}; BLAS: {[(i['internal_api'], i['num_threads']) for i in blas]}")
    print(f"{'model':12} {'default threads':>16} {'1 thread':>10}")
    for name in ("baseline", "stage_probe"):
        timings = {}
        for label, threads in (("default", None), ("one", 1)):
            runs = []
            for _ in range(args.repeats):
                start = time.perf_counter()
                fit_calibrated(name, inputs, y, train, val, blas_threads=threads)
                runs.append(time.perf_counter() - start)
            timings[label] = statistics.median(runs)
        print(f"{name:12} {timings['default']:>15.2f}s {timings['one']:>9.2f}s")


if __name__ == "__main__":
    main()
