"""Full fusion prediction, eager PyTorch vs ONNX Runtime, side by side in one run.

Per-image latency (decode and resize included) at batch 1 and batch 32, p50 and p95, the
ratio, and test-split accuracy of each path. Uses the active fusion and vit versions of the
configured instance (run `vitrine demo` first). `--int8` adds a static int8 backbone
(QDQ, calibrated on 64 training images). `--busy` adds batch-1 rows timed while other
processes predict on the remaining cores, as the other gunicorn workers do under load, with
1 and 2 intra-op threads: gunicorn.conf.py gives each worker cores / workers.

    .venv/bin/python benchmarks/predict_latency.py [--rounds 3] [--int8] [--busy]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from dashboard.services.serving import fallback_name
from dashboard.services.state import Services
from dashboard.services.training import backbone_spec, catalogue_data
from dashboard.settings import Settings
from db.engine import session_scope
from db.repo_models import active_versions
from ml import artifacts
from ml.backbone import load_extractor
from ml.calibration import calibrated_proba
from ml.images import decode_image, to_input
from ml.onnx_export import quantize_backbone
from ml.predictor import Predictor, session


def eager_predict(extractor, fusion, images: list[bytes], texts: list[str]) -> np.ndarray:  # type: ignore[no-untyped-def]
    pixels = np.stack([to_input(decode_image(data)) for data in images])
    with torch.inference_mode():
        embedding, _, _ = extractor(torch.from_numpy(pixels))
        tfidf = torch.from_numpy(fusion.estimator.text_vectors(texts))
        logits = fusion.estimator.module_(embedding, tfidf).numpy()
    return calibrated_proba(logits, fusion.temperature)


def timed(fn, batches: list[tuple[list[bytes], list[str]]], rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Per-image milliseconds of every batch call, over `rounds` passes (first pass warms up)."""
    fn(*batches[0])
    out = []
    for _ in range(rounds):
        for images, texts in batches:
            started = time.perf_counter()
            fn(images, texts)
            out.append((time.perf_counter() - started) * 1000 / len(images))
    return out


def _keep_busy(
    settings: Settings, fusion_dir: Path, fallback_dir: Path, images: list[bytes]
) -> None:
    """Another web worker under load: predictions one after another with its own one thread."""
    predictor = Predictor.from_artifacts(
        settings.artifacts_dir, fusion_dir, fallback_dir, threads=1, int8=False
    )
    while True:
        for data in images:
            predictor.predict_batch([data], ["product"])


def busy_rows(
    settings: Settings,
    fusion_dir: Path,
    fallback_dir: Path,
    batches: list[tuple[list[bytes], list[str]]],
    rounds: int,
    eager,  # type: ignore[no-untyped-def]
) -> list[tuple[str, list[float]]]:
    """Batch-1 timings with every other core busy predicting, at 1 and 2 intra-op threads."""
    others = max(1, (os.cpu_count() or 2) - 1)
    context = multiprocessing.get_context("spawn")
    images = [b[0][0] for b in batches[:16]]
    workers = [
        context.Process(target=_keep_busy, args=(settings, fusion_dir, fallback_dir, images))
        for _ in range(others)
    ]
    for worker in workers:
        worker.start()
    time.sleep(8)  # let them load their models and start predicting
    rows = []
    try:
        for threads in (1, 2):
            predictor = Predictor.from_artifacts(
                settings.artifacts_dir, fusion_dir, fallback_dir, threads=threads, int8=False
            )
            rows.append(
                (
                    f"ONNX, {threads} thr., {others} busy",
                    timed(predictor.predict_batch, batches, rounds),
                )
            )
            torch.set_num_threads(threads)
            rows.append((f"eager, {threads} thr., {others} busy", timed(eager, batches, rounds)))
    finally:
        for worker in workers:
            worker.kill()
        torch.set_num_threads(2)
    return rows


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--int8", action="store_true", help="also time an int8 backbone")
    parser.add_argument(
        "--busy", action="store_true", help="also time batch 1 with the other cores busy"
    )
    args = parser.parse_args()

    torch.set_num_threads(2)
    settings = Settings()
    services = Services.from_settings(settings)
    with session_scope(services.sessions) as db:
        active = active_versions(db)
    if "fusion" not in active or "vit" not in active:
        print("No active fusion and vit versions: run `vitrine demo` (or `vitrine train`) first.")
        return 1
    fallback = fallback_name(services, active)
    fusion_dir = Path(active["fusion"].artifact_path)
    fallback_dir = Path(active[fallback].artifact_path)
    data = catalogue_data(services)
    test = data.index("test")
    images = [data.image_paths[i].read_bytes() for i in test]
    texts = [data.texts[i] or "product" for i in test]
    labels = data.labels[test]

    predictor = Predictor.from_artifacts(
        settings.artifacts_dir, fusion_dir, fallback_dir, threads=2, int8=False
    )
    fusion = artifacts.load_estimator(fusion_dir)
    extractor = load_extractor(backbone_spec(services))

    paths = {
        "eager PyTorch": lambda ims, txs: eager_predict(extractor, fusion, ims, txs),
        "ONNX Runtime": lambda ims, txs: predictor.predict_batch(ims, txs),
        f"ONNX, no text ({fallback})": lambda ims, _txs: predictor.predict_batch(
            ims, [""] * len(ims)
        ),
    }
    if args.int8:
        # Calibrated on training images, never on the test images it is scored on.
        train = data.index("train")[:64]
        calibration = [
            to_input(decode_image(data.image_paths[i].read_bytes()))[None] for i in train
        ]
        source = artifacts.backbone_onnx_path(
            settings.artifacts_dir, predictor.fusion.meta.backbone_key
        )
        quantised = quantize_backbone(
            source, Path(tempfile.mkdtemp()) / "backbone-int8.onnx", calibration
        )
        int8 = Predictor(session(quantised), predictor.fusion, predictor.fallback)
        paths["ONNX Runtime int8"] = lambda ims, txs: int8.predict_batch(ims, txs)

    def accuracy(name: str) -> float:
        fn = paths[name]
        predicted = []
        for start in range(0, len(images), 32):
            out = fn(images[start : start + 32], texts[start : start + 32])
            if isinstance(out, np.ndarray):
                predicted += [predictor.classes[i] for i in out.argmax(axis=1)]
            else:
                predicted += [p.category for p in out]
        return float(np.mean(np.array(predicted) == labels))

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"torch {torch.__version__} ({torch.get_num_threads()} threads), "
        f"python {sys.version.split()[0]}"
    )
    print(
        f"fusion v{active['fusion'].version}, {len(images)} test images, "
        f"{args.rounds} rounds; per-image ms, decode + resize included\n"
    )
    header = f"{'path':<26} {'batch':>5} {'p50 ms':>8} {'p95 ms':>8} {'accuracy':>9}"
    print(header)
    print("-" * len(header))
    medians: dict[tuple[str, int], float] = {}
    for name, fn in paths.items():
        acc = accuracy(name)
        for batch in (1, 32):
            batches = [
                (images[s : s + batch], texts[s : s + batch])
                for s in range(0, len(images) - batch + 1, batch)
            ]
            if batch == 1:
                batches = batches[:60]
            timings = timed(fn, batches, args.rounds)
            medians[(name, batch)] = statistics.median(timings)
            print(
                f"{name:<26} {batch:>5} {pct(timings, 50):>8.2f} {pct(timings, 95):>8.2f} "
                f"{acc:>9.3f}"
            )
    if args.busy:
        single = [([images[i]], [texts[i]]) for i in range(min(60, len(images)))]
        for name, timings in busy_rows(
            settings, fusion_dir, fallback_dir, single, args.rounds, paths["eager PyTorch"]
        ):
            print(f"{name:<26} {1:>5} {pct(timings, 50):>8.2f} {pct(timings, 95):>8.2f} {'':>9}")
    print()
    for batch in (1, 32):
        ratio = medians[("eager PyTorch", batch)] / medians[("ONNX Runtime", batch)]
        print(f"batch {batch:>2}: ONNX Runtime is {ratio:.1f}x faster than eager PyTorch (p50)")
        if args.int8:
            ratio = medians[("eager PyTorch", batch)] / medians[("ONNX Runtime int8", batch)]
            print(f"batch {batch:>2}: int8 ONNX Runtime is {ratio:.1f}x faster than eager")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
