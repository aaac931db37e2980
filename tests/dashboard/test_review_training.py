"""`train --use-reviews`: corrected catalogue labels replace the given ones, reviewed uploads
join the train split, and the new version is scored beside the active one on the same data."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.services.ingest import ingest_catalogue
from dashboard.services.prediction import predict_and_record
from dashboard.services.retrain_job import AlreadyRunning, start, state
from dashboard.services.review_training import with_reviews
from dashboard.services.reviews import choose_category
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data, tracking, train
from dashboard.settings import Settings
from dashboard.web.app import create_app
from dashboard.web.resources import migrations_dir
from db import migrations
from db.engine import session_scope
from db.repo_models import active_versions, list_model_versions
from ml.demo.catalogue import generate
from tests.conftest import make_settings
from tests.dashboard.api.dash_routing import route_page
from tests.dashboard.cli.test_batch_and_check import _env


def test_training_on_reviews_uses_the_decisions_and_compares(
    tmp_path: Path, trained_settings: Settings
) -> None:
    url = f"sqlite:///{tmp_path / 'vitrine.db'}"
    migrations.upgrade(url, migrations_dir())
    settings = make_settings(tmp_path, url)
    # The trained instance's catalogue, backbone exports and features: nothing to recompute.
    for part in ("backbone", "features"):
        shutil.copytree(trained_settings.artifacts_dir / part, settings.artifacts_dir / part)
    services = Services.from_settings(settings)
    csv_path = generate(tmp_path / "demo", per_category=20, seed=3, progress=False)
    ingest_catalogue(services, csv_path, tmp_path / "demo/Images", progress=False)
    train(services, ["fusion", "baseline"], progress=False, report=lambda _line: None)
    # Each model fitted became an MLflow run in the instance's store (the dev install has it).
    client = pytest.importorskip("mlflow").MlflowClient(tracking_uri=tracking(services).uri)
    runs = {
        r.info.run_name: r
        for r in client.search_runs([client.get_experiment_by_name("vitrine").experiment_id])
    }
    assert set(runs) == {"fusion-v1", "baseline-v1"}
    with session_scope(services.sessions) as session:
        fusion_v1 = active_versions(session)["fusion"].metrics
    assert runs["fusion-v1"].data.metrics["test_accuracy"] == pytest.approx(fusion_v1["accuracy"])

    data = catalogue_data(services)
    product = data.ids[int(data.index("train")[0])]
    given = str(data.labels[data.ids.index(product)])
    relabel = next(c for c in sorted(set(data.labels)) if c != given)
    choose_category(services, "product", product, relabel, "mislabelled", None)
    photo = data.image_paths[int(data.index("test")[0])].read_bytes()
    upload = predict_and_record(
        services, photo, "an unbranded thing", source="ui", request_id="upload"
    )
    decided = next(c for c in sorted(set(data.labels)) if c != upload.prediction.category)
    choose_category(services, "prediction", upload.prediction_id, decided, None, None)

    merged, reviewed = with_reviews(services, data)
    assert (reviewed.corrected, reviewed.added) == (1, 1)
    assert merged.labels[merged.ids.index(product)] == relabel  # the label used changed
    assert (merged.ids[-1], merged.labels[-1], merged.splits[-1]) == (
        f"prediction-{upload.prediction_id}",
        decided,
        "train",
    )
    assert merged.texts[-1] == "an unbranded thing"
    assert list(reviewed.reviewed.labels) == [decided]  # scored on what the reviewer decided

    # A tracking store that cannot be written costs the run, never the model version.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = {**_env(settings), "VITRINE_MLFLOW_TRACKING_URI": f"sqlite:///{blocker / 'm.db'}"}
    listed = CliRunner().invoke(main, ["train", "--models", "fusion", "--use-reviews"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "1 catalogue labels corrected, 1 reviewed uploads added" in listed.output
    assert "(new)" in listed.output and "(active)" in listed.output
    with session_scope(services.sessions) as session:
        versions = {v.version: v for v in list_model_versions(session) if v.name == "fusion"}
        assert active_versions(session)["fusion"].version == 1  # the admin decides
        reviews = versions[2].metrics["reviews"]
    assert (reviews["corrected_labels"], reviews["added_examples"]) == (1, 1)
    assert reviews["reviewed_items"] == 1 and reviews["active"]["version"] == 1
    for side in (reviews, reviews["active"]):
        assert 0 <= side["test_accuracy"] <= 1 and side["reviewed_accuracy"] in (0.0, 1.0)

    # The Models page compares them; an admin (anyone, with access control off) may activate
    # the new version or retrain from there, as a separate process.
    client = create_app(settings).test_client()
    shown = route_page(client, "/models")
    assert "Trained on reviewers' decisions" in shown
    assert "fusion v2" in shown and "active when it was trained" in shown
    assert "Activate fusion v2" in shown and "Retrain fusion on reviews" in shown
    run = start(settings)
    assert run.running
    with pytest.raises(AlreadyRunning):
        start(settings)
    deadline = time.monotonic() + 600  # a bound on the wait, not a speed target
    while (current := state(settings)) is not None and current.running:
        assert time.monotonic() < deadline, current.tail
        time.sleep(1)
    assert current is not None and current.exit_code == 0, current.tail
    assert any("(new)" in line for line in current.tail)
    with session_scope(services.sessions) as session:
        newest = max(v.version for v in list_model_versions(session) if v.name == "fusion")
    assert newest == 3
    services.engine.dispose()
