"""Similar-product search, k=10 over synthetic embeddings of the real width (1,344: the 1,280-d
backbone embedding + the 64-d text projection): numpy brute force against the app's FAISS HNSW
index (ml.similarity.HnswIndex, what VITRINE_SIMILARITY_INDEX=auto serves from 20k products),
with recall@10 of the approximate answers against the exact ones. The graph is saved as the
app saves it, and the time a later process takes to read it back (instead of building it) is
printed as "build s" of the "read back" row.

    .venv/bin/python benchmarks/similarity_search.py [--sizes 10000,100000,1000000]
        [--queries 200] [--ann-max 100000] [--ef 64,128]

hnswlib is measured too when installed (`pip install hnswlib`; it builds from source).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

from ml.similarity import HnswIndex

WIDTH = 1280 + 64
K = 10


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def catalogue(n: int, rng: np.random.Generator) -> np.ndarray:
    """Clustered like real products: 7 categories, 60 sub-kinds each, plus noise."""
    centres = rng.standard_normal((7 * 60, WIDTH)).astype(np.float32)
    labels = rng.integers(0, len(centres), n)
    rows = np.empty((n, WIDTH), dtype=np.float32)
    for start in range(0, n, 100_000):  # in chunks: bounded memory while generating
        stop = min(n, start + 100_000)
        noise = rng.standard_normal((stop - start, WIDTH), dtype=np.float32)
        rows[start:stop] = centres[labels[start:stop]] + 1.2 * noise
    return _unit(rows)


def brute_force(vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    scores = vectors @ query
    top = np.argpartition(-scores, K)[:K]
    return top[np.argsort(-scores[top])]


def _report(size, method, times, exact, found, build) -> None:  # type: ignore[no-untyped-def]
    recall = np.mean([len(set(a) & set(b)) / K for a, b in zip(exact, found, strict=True)])
    ms = np.array(times) * 1000
    print(
        f"{size:>10,} {method:<22} {np.percentile(ms, 50):>8.2f} {np.percentile(ms, 95):>8.2f} "
        f"{recall:>10.3f} {build:>8.1f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ann-max", type=int, default=100_000, help="Largest size given to HNSW.")
    parser.add_argument("--ef", default="64,128", help="HNSW search widths to measure.")
    args = parser.parse_args()
    try:
        import hnswlib
    except ImportError:
        hnswlib = None
    rng = np.random.default_rng(0)
    print(
        f"k={K}, width {WIDTH}, float32, {args.queries} queries, {platform.machine()} with "
        f"{os.cpu_count()} CPUs; times per query\n"
    )
    print(
        f"{'products':>10} {'method':<22} {'p50 ms':>8} {'p95 ms':>8} {'recall@10':>10} "
        f"{'build s':>8}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        vectors = catalogue(size, rng)
        picks = rng.integers(0, size, args.queries)
        queries = _unit(vectors[picks] + 0.05 * rng.standard_normal((args.queries, WIDTH)))
        queries = queries.astype(np.float32)
        exact, times = [], []
        for q in queries:
            started = time.perf_counter()
            exact.append(brute_force(vectors, q))
            times.append(time.perf_counter() - started)
        ms = np.array(times) * 1000
        print(
            f"{size:>10,} {'numpy brute force':<22} {np.percentile(ms, 50):>8.2f} "
            f"{np.percentile(ms, 95):>8.2f} {1.0:>10.3f} {0.0:>8.1f}"
        )
        if size <= args.ann_max:
            ids = [str(i) for i in range(size)]
            with tempfile.TemporaryDirectory(prefix="vitrine-hnsw-") as cache:
                started = time.perf_counter()
                graph = HnswIndex(ids, vectors, cache_dir=Path(cache))
                build = time.perf_counter() - started
                started = time.perf_counter()
                again = HnswIndex(ids, vectors, cache_dir=Path(cache))
                read_back = time.perf_counter() - started
            assert again.loaded
            found, times = [], []
            for q in queries:
                started = time.perf_counter()
                found.append([int(n.id) for n in again.search(q, K)])
                times.append(time.perf_counter() - started)
            _report(size, "FAISS HNSW read back", times, exact, found, read_back)
            del again
            for ef in (int(e) for e in args.ef.split(",")):
                graph._index.hnsw.efSearch = ef
                found, times = [], []
                for q in queries:
                    started = time.perf_counter()
                    neighbours = graph.search(q, K)
                    times.append(time.perf_counter() - started)
                    found.append([int(n.id) for n in neighbours])
                _report(size, f"FAISS HNSW (ef={ef})", times, exact, found, build)
        if hnswlib is not None and size <= args.ann_max:
            started = time.perf_counter()
            index = hnswlib.Index(space="ip", dim=WIDTH)
            index.init_index(max_elements=size, ef_construction=100, M=16, random_seed=0)
            index.add_items(vectors, np.arange(size), num_threads=os.cpu_count() or 1)
            build = time.perf_counter() - started
            index.set_ef(64)
            index.set_num_threads(1)
            found, times = [], []
            for q in queries:
                started = time.perf_counter()
                labels, _ = index.knn_query(q, k=K)
                times.append(time.perf_counter() - started)
                found.append(labels[0])
            _report(size, "hnswlib HNSW (ef=64)", times, exact, found, build)
        del vectors
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
