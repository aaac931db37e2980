"""How well suspect labels are found: flip a share of a generated catalogue's labels on purpose,
run the training routine's search (out-of-fold fusion answers, cleanlab), and print precision
and recall per flip rate, averaged over seeds.

    .venv/bin/python benchmarks/label_issues.py [--per-category 60] [--rates 0.01 0.03 0.05]

Builds the demo catalogue in a temporary folder (features are extracted once, a minute or two
on 2 cores) and needs the train extra.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from dashboard.services.ingest import ingest_catalogue
from dashboard.services.state import Services
from dashboard.services.training import backbone_spec, catalogue_data
from dashboard.settings import Settings
from dashboard.web.resources import migrations_dir
from db import migrations
from ml.demo.catalogue import generate
from ml.features import prepare_inputs
from ml.training import find_suspect_labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-category", type=int, default=60)
    parser.add_argument("--rates", type=float, nargs="+", default=[0.01, 0.03, 0.05])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url = f"sqlite:///{root / 'bench.db'}"
        migrations.upgrade(url, migrations_dir())
        settings = Settings(
            database_url=url,
            instance_dir=root / "instance",
            data_dir=root / "data",
            artifacts_dir=root / "artifacts",
        )
        services = Services.from_settings(settings)
        csv_path = generate(root / "demo", per_category=args.per_category, seed=7, progress=False)
        ingest_catalogue(services, csv_path, root / "demo/Images", progress=False)
        data = catalogue_data(services)
        inputs = prepare_inputs(data, settings.artifacts_dir, backbone_spec(services))
        categories = np.unique(data.labels)
        print(f"{len(data.ids)} products, {len(categories)} categories, {args.seeds} seeds")
        print(f"{'flipped':>8} {'found':>7} {'precision':>10} {'recall':>8} {'seconds':>8}")
        for rate in args.rates:
            flips = max(1, round(rate * len(data.ids)))
            precision, recall, found, seconds = [], [], [], []
            for seed in range(args.seeds):
                rng = np.random.default_rng(seed)
                flipped = rng.choice(len(data.ids), flips, replace=False)
                labels = data.labels.copy()
                for i in flipped:
                    labels[i] = rng.choice([c for c in categories if c != labels[i]])
                started = time.perf_counter()
                issues = find_suspect_labels(
                    "fusion", inputs, dataclasses.replace(data, labels=labels)
                )
                seconds.append(time.perf_counter() - started)
                suspects = {i.uniq_id for i in issues or []}
                truth = {data.ids[i] for i in flipped}
                hits = len(suspects & truth)
                found.append(len(suspects))
                precision.append(hits / len(suspects) if suspects else 0.0)
                recall.append(hits / len(truth))
            print(
                f"{flips:>5} ({rate:.0%}) {statistics.mean(found):>4.1f} "
                f"{statistics.mean(precision):>10.2f} {statistics.mean(recall):>8.2f} "
                f"{statistics.median(seconds):>8.1f}"
            )
        services.engine.dispose()


if __name__ == "__main__":
    main()
