"""Serving needs no PyTorch: the app, the API and `vitrine predict` run on ONNX Runtime alone,
and what needs the `train` extra says how to install it (#20 item 10)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from dashboard.settings import Settings
from ml.categories import CATEGORIES
from ml.demo.catalogue import CSV_NAME, IMAGES_DIR

ROOT = Path(__file__).resolve().parents[2]


def test_a_trained_instance_serves_without_the_train_extra(
    trained_settings: Settings, tmp_path: Path
) -> None:
    demo = trained_settings.data_dir.parent / "demo"
    source = demo / CSV_NAME
    with source.open(newline="") as file:
        rows = list(csv.DictReader(file))[:4]
    few = tmp_path / "few.csv"
    with few.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    env = {
        **os.environ,
        "DATABASE_URL": trained_settings.database_url,
        "VITRINE_INSTANCE_DIR": str(trained_settings.instance_dir),
        "VITRINE_DATA_DIR": str(trained_settings.data_dir),
        "VITRINE_ARTIFACTS_DIR": str(trained_settings.artifacts_dir),
        "VITRINE_SECRET_KEY": "test-secret",
        "VITRINE_CACHE_URL": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.deploy.serve_without_torch",
         str(few), str(demo / IMAGES_DIR), str(tmp_path / "scored.csv")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    assert seen["imported"] == []  # not one module of the train extra was asked for
    with_text, without_text = seen["with_text"], seen["without_text"]
    assert with_text["status"] == 200 and with_text["category"] in CATEGORIES
    assert not with_text["fallback"]
    assert without_text["status"] == 200 and without_text["fallback"]
    explanation = seen["explanation"]
    assert explanation["status"] == 200 and explanation["image"]["mode"] == "cells"
    assert explanation["text"]["tokens"]  # the words, from the saved text branch
    assert seen["similar"]["status"] == 200 and len(seen["similar"]["neighbours"]) == 3
    assert all(size > 500 for size in seen["pages"].values()), seen["pages"]
    # Features of new products from the ONNX backbone match PyTorch's within float error.
    assert seen["embedding_gap"] < 1e-3 * seen["embedding_scale"]

    # Training says what to install, on one line, and fails.
    assert seen["train"]["exit_code"] == 1
    assert "pip install 'vitrine[train]'" in seen["train"]["output"]
    assert len(seen["train"]["output"].strip().splitlines()) == 1
    # Batch scoring runs.
    assert seen["predict_cli"]["exit_code"] == 0, seen["predict_cli"]["output"]
    with (tmp_path / "scored.csv").open(newline="") as file:
        assert len(list(csv.DictReader(file))) == 4
