"""`vitrine report ID --out FILE` writes the decision report; bad input is one line, exit 1."""

from __future__ import annotations

from html import escape
from pathlib import Path

from click.testing import CliRunner

from dashboard.cli import main
from dashboard.services.prediction import predict_and_record
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from tests.dashboard.cli.test_batch_and_check import _env


def test_report_writes_pdf_or_html_and_refuses_clearly(
    trained_settings: Settings, tmp_path: Path
) -> None:
    services = Services.from_settings(trained_settings)
    data = catalogue_data(services)
    i = int(data.index("test")[4])
    recorded = predict_and_record(
        services, data.image_paths[i].read_bytes(), data.texts[i], source="ui", request_id="cli-r"
    )
    services.engine.dispose()
    pid = recorded.prediction_id
    runner, env = CliRunner(), _env(trained_settings)

    for name, magic in (("r.pdf", b"%PDF-"), ("r.html", b"<!DOCTYPE html>")):
        written = runner.invoke(main, ["report", str(pid), "--out", str(tmp_path / name)], env=env)
        assert written.exit_code == 0, written.output
        assert f"prediction #{pid}" in written.output
        assert (tmp_path / name).read_bytes().startswith(magic)
    assert escape(recorded.prediction.category) in (tmp_path / "r.html").read_text()

    for argv, said in (
        (["report", "987654", "--out", str(tmp_path / "x.pdf")], "no prediction #987654"),
        (["report", str(pid), "--out", str(tmp_path / "x.docx")], "must end in .pdf or .html"),
        (["report", str(pid), "--out", str(tmp_path / "no/such/x.pdf")], "no such folder"),
    ):
        refused = runner.invoke(main, argv, env=env)
        assert refused.exit_code == 1
        (line,) = refused.output.strip().splitlines()
        assert said in line, line
    assert not (tmp_path / "x.pdf").exists()
