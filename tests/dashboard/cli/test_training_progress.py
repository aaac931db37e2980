"""Training says what it is doing while it does it: each model as it starts, and an epoch bar
for the neural heads (a newcomer once waited 12 minutes with no output while the ViT trained)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.services.ingest import ingest_catalogue
from dashboard.services.state import Services
from dashboard.services.training import train
from dashboard.web.resources import migrations_dir
from db import migrations
from ml.demo.catalogue import generate
from tests.conftest import make_settings


def test_each_model_is_announced_and_epochs_are_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'vitrine.db'}"
    migrations.upgrade(url, migrations_dir())
    services = Services.from_settings(make_settings(tmp_path, url))
    csv_path = generate(tmp_path / "demo", per_category=6, seed=5, progress=False)
    ingest_catalogue(services, csv_path, tmp_path / "demo/Images", progress=False)
    said: list[str] = []
    train(services, ["baseline", "pancan_lite"], progress=True, report=said.append)
    starts = [line for line in said if line.startswith("training ")]
    assert starts == ["training baseline (1 of 2)", "training pancan_lite (2 of 2)"]
    # Each start comes before that model's result line.
    assert said.index(starts[1]) > next(i for i, s in enumerate(said) if s.startswith("baseline v"))
    bars = capsys.readouterr().err
    assert "pancan_lite epochs" in bars
    assert "epoch/s" in bars or "s/epoch" in bars
    assert "baseline epochs" not in bars  # a logistic regression has no epochs
