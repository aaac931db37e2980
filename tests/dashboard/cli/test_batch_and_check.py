"""vitrine predict (batch scoring) and vitrine data check on the trained test instance."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from dashboard.cli import main
from dashboard.services.state import Services
from dashboard.settings import Settings
from db.engine import session_scope
from db.models import Prediction
from ml.demo.catalogue import generate


def _env(settings: Settings) -> dict[str, str]:
    return {
        "DATABASE_URL": settings.database_url,
        "VITRINE_DATA_DIR": str(settings.data_dir),
        "VITRINE_ARTIFACTS_DIR": str(settings.artifacts_dir),
        "VITRINE_INSTANCE_DIR": str(settings.instance_dir),
    }


def test_batch_scoring_writes_one_row_per_product_and_audits(
    trained_settings: Settings, tmp_path: Path
) -> None:
    csv_path = generate(tmp_path / "new", per_category=2, seed=42, progress=False)
    # One product whose image is missing and one whose image is not an image.
    rows = list(csv.DictReader(csv_path.open()))
    (tmp_path / "new/Images" / rows[0]["image"]).unlink()
    (tmp_path / "new/Images" / rows[1]["image"]).write_bytes(b"not an image")
    out = tmp_path / "predictions.csv"
    result = CliRunner().invoke(
        main,
        ["predict", str(csv_path), "--images", str(tmp_path / "new/Images"), "--out", str(out)],
        env=_env(trained_settings),
    )
    assert result.exit_code == 0, result.output
    assert "Scored 12 of 14 products (2 refused)" in result.output
    scored = list(csv.DictReader(out.open()))
    assert [r["uniq_id"] for r in scored] == [r["uniq_id"] for r in rows]
    assert scored[0]["error"] == "missing image" and scored[1]["error"]
    good = scored[2]
    assert good["predicted_category"] and good["model"] in {"fusion", "vit"}
    assert abs(sum(float(v) for k, v in good.items() if k.startswith("p_")) - 1) < 1e-4
    request_id = result.output.rsplit("audit request id ", 1)[1].strip()
    with session_scope(Services.from_settings(trained_settings).sessions) as session:
        audited = session.query(Prediction).filter_by(request_id=request_id).all()
    assert len(audited) == 12 and {a.source for a in audited} == {"batch"}


def test_data_check_reports_planted_duplicates(tmp_path: Path) -> None:
    csv_path = generate(tmp_path / "cat", per_category=4, seed=9, progress=False)
    rows = list(csv.DictReader(csv_path.open()))
    images = tmp_path / "cat/Images"
    # Two products now share one photo, byte for byte.
    shutil.copyfile(images / rows[0]["image"], images / rows[5]["image"])
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.db'}",
        "VITRINE_DATA_DIR": str(tmp_path / "data"),
        "VITRINE_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
    }
    assert (
        CliRunner()
        .invoke(main, ["data", "ingest", str(csv_path), "--images", str(images)], env=env)
        .exit_code
        == 0
    )
    result = CliRunner().invoke(main, ["data", "check"], env=env)
    assert result.exit_code == 0, result.output
    assert "28 products checked" in result.output
    assert "exact duplicates (same image bytes): 1 pairs" in result.output
    pair = {rows[0]["uniq_id"], rows[5]["uniq_id"]}
    assert any(set(line.split()[:2]) == pair for line in result.output.splitlines())
    # Again, every image's features are cached: no empty progress bars; a cut list says so.
    again = CliRunner().invoke(main, ["data", "check", "--show", "0"], env=env)
    assert again.exit_code == 0 and "image features" not in again.output
    assert re.search(r"\.\.\. and \d+ more pairs? \(--show N lists more\)", again.output)


def test_models_list_says_which_versions_answer(trained_settings: Settings) -> None:
    result = CliRunner().invoke(main, ["models", "list"], env=_env(trained_settings))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    status = {line.split()[0]: line.split("  ")[-1].strip() for line in lines[1:-1]}
    assert status["fusion"] == "primary"
    assert list(status.values()).count("fallback") == 1
    assert set(status.values()) <= {"primary", "fallback", "active (comparison)", ""}
    assert lines[-1].startswith("accuracy, macro-F1, ECE: on the test split; ms: ")
