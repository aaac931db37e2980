"""MLflow tracking (the `mlflow` extra, part of the dev install): a run holds the parameters,
metrics, confusion matrix and model files; a tracking failure never raises."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from ml.tracking import Tracking, log_run

mlflow = pytest.importorskip("mlflow", reason="the mlflow extra is part of the dev install")


def test_a_run_is_recorded_in_a_database_store(tmp_path: Path) -> None:
    folder = tmp_path / "artifacts" / "models" / "fusion" / "v1"  # under "artifacts", as served
    folder.mkdir(parents=True)
    (folder / "head.onnx").write_bytes(b"onnx")
    tracking = Tracking(f"sqlite:///{tmp_path / 'mlflow.db'}", tmp_path / "mlruns")
    matrix = {"classes": ["A", "B"], "matrix": [[3, 1], [0, 4]]}
    run_id = log_run(
        tracking,
        "fusion-v1",
        {"model": "fusion", "version": 1},
        {"test_accuracy": 0.875, "validation_accuracy": 0.9},
        {"confusion_matrix.json": matrix},
        folder,
    )
    assert run_id is not None
    client = mlflow.MlflowClient(tracking_uri=tracking.uri)
    run = client.get_run(run_id)
    assert run.info.run_name == "fusion-v1"
    assert run.data.params == {"model": "fusion", "version": "1"}
    assert run.data.metrics == {"test_accuracy": 0.875, "validation_accuracy": 0.9}
    files = {f.path for f in client.list_artifacts(run_id)} | {
        f.path for f in client.list_artifacts(run_id, "model")
    }
    assert {"confusion_matrix.json", "model/head.onnx"} <= files
    local = Path(client.download_artifacts(run_id, "confusion_matrix.json", str(tmp_path)))
    assert json.loads(local.read_text()) == matrix
    # A second run joins the same experiment.
    again = log_run(tracking, "fusion-v2", {}, {"test_accuracy": 0.9}, {}, folder)
    assert again is not None and again != run_id
    assert client.get_run(again).info.experiment_id == run.info.experiment_id


def test_a_tracking_failure_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "v1"
    folder.mkdir()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    unreachable = Tracking(f"sqlite:///{blocker / 'mlflow.db'}", tmp_path / "mlruns")
    with caplog.at_level(logging.WARNING, logger="ml.tracking"):
        assert log_run(unreachable, "fusion-v1", {}, {"test_accuracy": 1.0}, {}, folder) is None
    assert "MLflow tracking failed for fusion-v1, the model is kept" in caplog.text
    assert log_run(None, "fusion-v1", {}, {}, {}, folder) is None  # tracking off
