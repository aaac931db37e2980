"""API load: gunicorn with the repository's config serving POST /api/predict to concurrent
clients on 127.0.0.1 for a bounded time. Prints throughput, latency percentiles, errors, and
whether the audit trail gained exactly one row per 2xx answer.

Uses the configured instance (run `vitrine demo --no-serve` first); the predict rate limit is
lifted for the run.

    .venv/bin/python benchmarks/api_load.py [--clients 8] [--seconds 30] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import numpy as np
from serving import gunicorn  # benchmarks/serving.py, next to this script

ROOT = Path(__file__).resolve().parents[1]


def _multipart(image: bytes, text: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\n{text}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="p.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + image
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _audit_total(base: str) -> int:
    with urllib.request.urlopen(f"{base}/api/audit/predictions?page_size=1", timeout=30) as r:
        return int(json.loads(r.read())["total"])


def main() -> int:
    from dashboard.services.state import Services
    from dashboard.services.training import catalogue_data
    from dashboard.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    data = catalogue_data(Services.from_settings(Settings()))
    test = data.index("test")[:64]
    requests = [
        _multipart(data.image_paths[i].read_bytes(), data.texts[i] or "product") for i in test
    ]
    with gunicorn(args.workers, VITRINE_PREDICT_RATE_LIMIT="1000000/minute") as base:
        # Warm every worker (first inference, first audit write) before timing.
        for body, kind in requests[: 4 * args.workers]:
            req = urllib.request.Request(
                f"{base}/api/predict", data=body, headers={"Content-Type": kind}
            )
            urllib.request.urlopen(req, timeout=60).read()
        before = _audit_total(base)
        latencies: list[float] = []
        statuses: list[int] = []
        lock = threading.Lock()
        deadline = time.perf_counter() + args.seconds

        def client(n: int) -> None:
            k = n
            while time.perf_counter() < deadline:
                body, kind = requests[k % len(requests)]
                k += args.clients
                req = urllib.request.Request(
                    f"{base}/api/predict", data=body, headers={"Content-Type": kind}
                )
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(req, timeout=60) as response:
                        response.read()
                        status = response.status
                except urllib.error.HTTPError as error:
                    status = error.code
                except OSError:
                    status = 0
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    statuses.append(status)

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        after = _audit_total(base)

    ok = sum(1 for s in statuses if 200 <= s < 300)
    ms = np.array(latencies) * 1000
    print(
        f"POST /api/predict, gunicorn {args.workers} sync workers, {args.clients} clients, "
        f"{wall:.1f} s on {platform.machine()} with {os.cpu_count()} CPUs (clients on the same "
        "machine)\n"
    )
    print(f"{'requests':<22} {len(statuses):>10,}")
    print(f"{'throughput req/s':<22} {len(statuses) / wall:>10.1f}")
    for q in (50, 95, 99):
        print(f"{f'latency p{q} ms':<22} {np.percentile(ms, q):>10.1f}")
    print(f"{'latency mean ms':<22} {statistics.fmean(ms):>10.1f}")
    print(f"{'errors (non-2xx)':<22} {len(statuses) - ok:>10,}")
    print(f"{'audit rows added':<22} {after - before:>10,}  (2xx answers: {ok:,})")
    print(f"{'lost rows':<22} {ok - (after - before):>10,}")
    return 0 if ok == after - before and ok == len(statuses) else 1


if __name__ == "__main__":
    raise SystemExit(main())
