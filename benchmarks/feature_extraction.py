"""Backbone features of catalogue photos, eager PyTorch vs the exported ONNX backbone, side by side.

Per-image time at batch 32 (preprocessed pixels in, embedding, feature map and stages out; the
same work the feature cache's first fill does) and the largest difference between the two
paths' outputs. Uses the configured instance's catalogue and exported backbone (run
`vitrine demo` first). Both paths use the machine's cores (2 threads here).

    .venv/bin/python benchmarks/feature_extraction.py [--images 256]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from dashboard.services.state import Services
from dashboard.services.training import backbone_spec, catalogue_data
from dashboard.settings import Settings
from ml import artifacts
from ml.backbone import load_extractor, numpy_extractor
from ml.features import Extractor, onnx_extractor
from ml.images import decode_image, to_input

BATCH = 32


def per_image_ms(extractor: Extractor, pixels: np.ndarray) -> tuple[float, list[np.ndarray]]:
    extractor(pixels[:BATCH])  # warm-up: first-call allocations are not the steady state
    start = time.perf_counter()
    batches = [extractor(pixels[i : i + BATCH]) for i in range(0, len(pixels), BATCH)]
    elapsed = time.perf_counter() - start
    outputs = [np.concatenate([b[k] for b in batches]) for k in range(len(batches[0]))]
    return elapsed / len(pixels) * 1000, outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=256)
    args = parser.parse_args()
    services = Services.from_settings(Settings())
    data, spec = catalogue_data(services), backbone_spec(services)
    path = artifacts.backbone_onnx_path(services.settings.artifacts_dir, spec.key)
    if not path.exists():
        raise SystemExit(f"no exported backbone at {path}: run `vitrine demo` first")
    paths = list(data.image_paths[: args.images])
    pixels = np.stack([to_input(decode_image(p.read_bytes())) for p in paths])
    threads = os.cpu_count() or 1
    eager_ms, eager = per_image_ms(numpy_extractor(load_extractor(spec)), pixels)
    onnx_ms, onnx = per_image_ms(onnx_extractor(path, threads), pixels)
    print(f"{len(pixels)} catalogue photos, batch {BATCH}, {threads} threads")
    print(f"{'path':16} {'ms per image':>13}")
    print(f"{'eager PyTorch':16} {eager_ms:>13.2f}")
    print(f"{'ONNX Runtime':16} {onnx_ms:>13.2f}")
    print(f"ONNX Runtime is {eager_ms / onnx_ms:.1f}x faster")
    for name, a, b in zip(artifacts.BACKBONE_OUTPUTS, eager, onnx, strict=True):
        gap, scale = float(np.abs(a - b).max()), float(np.abs(a).max())
        print(f"{name}: largest difference {gap:.1e} (largest value {scale:.1f})")


if __name__ == "__main__":
    main()
