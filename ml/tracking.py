"""Optional MLflow run tracking (local file store); skipped quietly when mlflow is absent."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def log_run(
    store: Path, name: str, params: dict[str, Any], metrics: dict[str, float], artifacts: Path
) -> bool:
    try:
        import mlflow
    except ImportError:
        return False
    mlflow.set_tracking_uri(store.resolve().as_uri())
    mlflow.set_experiment("vitrine")
    with mlflow.start_run(run_name=name):
        mlflow.log_params({k: str(v) for k, v in params.items()})
        mlflow.log_metrics(metrics)
        mlflow.log_artifacts(str(artifacts))
    log.info("MLflow run logged for %s", name)
    return True
