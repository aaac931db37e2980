"""Optional MLflow run tracking (the `mlflow` extra); skipped when mlflow is absent.

Runs go to a database backend store (SQLite or PostgreSQL: MLflow's file store is deprecated)
with the run files under a folder of their own. A tracking failure is reported and never
stops training: the model version is whole without its run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
EXPERIMENT = "vitrine"


@dataclass(frozen=True)
class Tracking:
    uri: str  # the backend store: sqlite:///... or postgresql://...
    artifact_root: Path  # where the runs' files go (a folder of their own)


def log_run(
    tracking: Tracking | None,
    name: str,
    params: dict[str, Any],
    metrics: dict[str, float],
    tables: dict[str, Any],
    folder: Path,
) -> str | None:
    """The run id, or None when mlflow is absent or tracking failed (said in the log).

    `metrics` are flat names (e.g. test_accuracy, validation_accuracy); `tables` are logged as
    JSON files (the confusion matrix); `folder` is the model version's files (ONNX and all).
    """
    if tracking is None:
        return None
    try:
        import mlflow
    except ImportError:
        return None
    try:
        mlflow.set_tracking_uri(tracking.uri)
        experiment = mlflow.get_experiment_by_name(EXPERIMENT)
        experiment_id = (
            experiment.experiment_id
            if experiment is not None
            else mlflow.create_experiment(
                EXPERIMENT, artifact_location=tracking.artifact_root.resolve().as_uri()
            )
        )
        with mlflow.start_run(run_name=name, experiment_id=experiment_id) as run:
            mlflow.log_params({k: str(v) for k, v in params.items()})
            mlflow.log_metrics(metrics)
            for file_name, table in tables.items():
                mlflow.log_dict(table, file_name)
            mlflow.log_artifacts(str(folder), "model")
        log.info("MLflow run %s logged for %s", run.info.run_id, name)
        return str(run.info.run_id)
    except Exception as exc:  # tracking is optional: the version is complete without it
        log.warning("MLflow tracking failed for %s, the model is kept: %s", name, exc)
        return None
