"""Batch scoring of one catalogue (1,050 products by default), side by side: the single-process
command, and the same catalogue spread over 1 and over 2 Celery worker processes (`vitrine
predict --distributed`).

Prints, per run: wall time from the command's start to its output CSV (process start and model
loading included, as a user waits for them), products/s, the chunks, and the resident memory of
each worker (its pool child included); then the overhead of going through the queue, per chunk
(one worker against the single process). Each worker's ONNX sessions get cores / workers
threads, as gunicorn's do, so the workers together never ask for more threads than there are
cores. Needs a trained instance (`vitrine demo --no-serve`, or DATABASE_URL and VITRINE_* of one)
and Redis (--redis, default redis://127.0.0.1:6379/9, emptied first).

    .venv/bin/python benchmarks/batch_scaling.py [--products 1050] [--chunk 64] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import redis

from dashboard.settings import Settings
from ml.demo.catalogue import generate

BIN = Path(sys.executable).parent


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for name, value in settings.model_dump().items():
        if value is not None:
            key = "DATABASE_URL" if name == "database_url" else f"VITRINE_{name.upper()}"
            env[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return {**env, **extra}


def _run(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[:2])} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return elapsed


def _workers(count: int, env: dict[str, str], folder: Path) -> list[subprocess.Popen[bytes]]:
    started = []
    for i in range(count):
        log_path = folder / f"worker-{count}-{i}.log"
        with log_path.open("wb") as log:
            started.append(
                subprocess.Popen(
                    [str(BIN / "vitrine"), "worker", "--concurrency", "1"],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        deadline = time.monotonic() + 180
        while "ready." not in log_path.read_text(errors="replace"):
            if started[-1].poll() is not None or time.monotonic() > deadline:
                sys.exit(f"worker did not start:\n{log_path.read_text()[-2000:]}")
            time.sleep(0.3)
    return started


def _rss_mb(process: subprocess.Popen[bytes]) -> float:
    root = psutil.Process(process.pid)
    return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1050)
    parser.add_argument("--chunk", type=int, default=64, help="products per Celery task")
    parser.add_argument("--workers", default="1,2", help="worker counts to run, e.g. 1,2")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    redis.Redis.from_url(args.redis).flushdb()
    with tempfile.TemporaryDirectory(prefix="vitrine-batch-") as tmp:
        folder = Path(tmp)
        base = Settings()
        settings = base.model_copy(
            update={"cache_url": args.redis, "batch_dir": folder / "batch",
                    "batch_chunk": args.chunk}
        )  # fmt: skip
        per_category = max(1, args.products // 7)
        csv_path = generate(folder / "cat", per_category=per_category, seed=21, progress=False)
        products = per_category * 7
        images = folder / "cat" / "Images"
        chunks = -(-products // args.chunk)
        print(f"{products} products, chunks of {args.chunk} ({chunks} chunks), {cores} cores")
        print(f"{'run':28} {'seconds':>8} {'products/s':>10} {'worker MB':>10}")
        single = _run(
            [str(BIN / "vitrine"), "predict", str(csv_path), "--images", str(images), "--out",
             str(folder / "single.csv")],
            _env(settings, VITRINE_ONNX_THREADS=str(cores)),
        )  # fmt: skip
        print(f"{'single process':28} {single:8.1f} {products / single:10.1f} {'-':>10}")
        times = {}
        for count in [int(n) for n in args.workers.split(",")]:
            threads = str(max(1, cores // count))
            env = _env(settings, VITRINE_ONNX_THREADS=threads)
            workers = _workers(count, env, folder)
            try:
                times[count] = _run(
                    [str(BIN / "vitrine"), "predict", str(csv_path), "--images", str(images),
                     "--out", str(folder / f"dist-{count}.csv"), "--distributed"],
                    env,
                )  # fmt: skip
                memory = max(_rss_mb(w) for w in workers)
            finally:
                for worker in workers:
                    os.killpg(worker.pid, signal.SIGTERM)
                    worker.wait(timeout=60)
            label = f"distributed, {count} worker{'s' if count > 1 else ''} ({threads} thr)"
            rate = products / times[count]
            print(f"{label:28} {times[count]:8.1f} {rate:10.1f} {memory:10.0f}")
        if 1 in times:
            overhead = (times[1] - single) / chunks * 1000
            print(f"queue overhead, 1 worker vs single process: {overhead:+.0f} ms per chunk")


if __name__ == "__main__":
    main()
