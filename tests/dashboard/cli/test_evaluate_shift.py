"""vitrine evaluate --shift: leave-one-style-out on the demo's art sets, printed and stored, and
the image-only fallback then served is the candidate that held up best."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from PIL import Image

from dashboard.cli import main
from dashboard.services import style_shift
from dashboard.services.prediction import predict_and_record, predictor_for
from dashboard.services.state import Services
from dashboard.services.style_shift import SETS_ACROSS_STYLES, SETS_ON_VALIDATION
from dashboard.settings import Settings
from dashboard.web.app import create_app
from tests.dashboard.cli.test_batch_and_check import _env


def _until_ready(client: Any, url: str, first: int | None = None) -> Any:
    """Ask `url` until it stops answering 202, as a client following Retry-After does."""
    answer = client.get(url)
    assert first is None or answer.status_code == first
    deadline = time.monotonic() + 240
    while answer.status_code == 202 and time.monotonic() < deadline:
        time.sleep(int(answer.headers["Retry-After"]))
        answer = client.get(url)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return answer


def test_shift_needs_a_catalogue_with_art_sets(trained_settings: Settings, tmp_path: Path) -> None:
    missing = tmp_path / "art_sets.csv"
    result = CliRunner().invoke(
        main, ["evaluate", "--shift", "--art-sets", str(missing)], env=_env(trained_settings)
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: no art-set file at {missing}; style shift is measured on a demo catalogue "
        "(vitrine data demo writes one next to its CSV)"
    ]


def test_views_are_checked_before_anything_is_fitted(trained_settings: Settings) -> None:
    env = _env(trained_settings)
    unknown = CliRunner().invoke(main, ["evaluate", "--shift", "--views", "gray,sepia"], env=env)
    assert unknown.exit_code == 1
    assert unknown.output.strip().splitlines() == [
        "Error: unknown training view sepia; known: gray, hue, posterize, crop_flip, blur"
    ]
    alone = CliRunner().invoke(main, ["evaluate", "--views", "gray"], env=env)
    assert alone.exit_code == 1
    assert "--views only applies to --shift" in alone.output
    services = Services.from_settings(trained_settings)
    assert not style_shift.report_path(services).exists()  # nothing measured, nothing stored
    # Other views than the served ones: measured and printed for comparison, never stored, as
    # the stored report chooses the served fallback and calibrates its review sets.
    art_sets = str(trained_settings.data_dir.parent / "demo" / "art_sets.csv")
    argv = ["evaluate", "--shift", "--art-sets", art_sets, "--models", "baseline"]
    compared = CliRunner().invoke(main, [*argv, "--views", "none"], env=env)
    assert compared.exit_code == 0, compared.output
    lines = [line for line in compared.output.splitlines() if line.strip()]
    assert sum(line.startswith("MEAN") for line in lines) == 1
    assert "probes also learned from views: none" in lines
    assert lines[-1].startswith("not stored: measured with other views")
    assert not style_shift.report_path(services).exists()
    assert not style_shift.scores_path(services).exists()
    services.engine.dispose()


def test_shift_report_picks_the_fallback_that_serves(trained_settings: Settings) -> None:
    services = Services.from_settings(trained_settings)
    art_sets = trained_settings.data_dir.parent / "demo" / "art_sets.csv"
    # Two linear candidates: the hybrid ViT would train a network per art set (minutes).
    argv = ["evaluate", "--shift", "--art-sets", str(art_sets), "--models", "stage_probe,baseline"]
    try:
        result = CliRunner().invoke(
            main,
            argv,
            env=_env(trained_settings),
        )
        assert result.exit_code == 0, result.output
        stored = json.loads(style_shift.report_path(services).read_text())
        held_out = stored["art_sets"]
        assert len(held_out) >= 5  # the demo draws in several icon sets
        assert {(f["style"], f["model"]) for f in stored["folds"]} == {
            (s, m) for s in held_out for m in ("stage_probe", "baseline")
        }
        means = stored["means"]
        best = max(("stage_probe", "baseline"), key=lambda n: means[n]["accuracy"])
        assert stored["fallback"] == best
        lines = result.output.splitlines()
        assert sum(line.startswith("MEAN") for line in lines) == 2
        assert f"fallback by this figure: {best}" in lines
        # The probes were fitted as `vitrine train` fits them: with the default views too.
        assert stored["views"] == ["gray", "posterize"]
        assert "probes also learned from views: gray, posterize" in lines

        # The product without text is now answered by that model, and the API says so.
        image = Image.new("RGB", (64, 64), (200, 120, 40))
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        recorded = predict_and_record(
            services, buffer.getvalue(), None, source="api", request_id="shift-test"
        )
        assert (recorded.prediction.model, recorded.prediction.fallback) == (best, True)
        client = create_app(trained_settings).test_client()
        info = client.get("/api/model/info").get_json()
        assert info["serving"]["fallback"]["model"] == best
        # Its review sets are now calibrated on the answers to held-out art sets.
        assert info["serving"]["fallback"]["review_sets_calibrated_on"] == SETS_ACROSS_STYLES
        assert info["serving"]["primary"]["review_sets_calibrated_on"] == SETS_ON_VALIDATION
        # And it says what each serving head learned from: the probe, the training views too.
        assert info["serving"]["fallback"]["training_views"] == ["gray", "posterize"]
        assert info["serving"]["primary"]["training_views"] == []
        assert predictor_for(services).fallback.doubt.calibrated_on_ == SETS_ACROSS_STYLES
        # Neither probe reads the last feature map alone, so its explanation is a pixel map,
        # computed in the background: 202 until it is ready.
        url = f"/api/predictions/{recorded.prediction_id}/explanation?max_evals=60"
        assert _until_ready(client, url, first=202).get_json()["image"]["mode"] == "pixels"
        # Its decision report waits for its own map the same way; a browser that followed a
        # link gets a page that reloads itself, a machine the JSON.
        report = f"/api/predictions/{recorded.prediction_id}/report"
        waiting = client.get(report, headers={"Accept": "text/html"})
        assert waiting.status_code == 202 and waiting.mimetype == "text/html"
        assert 'http-equiv="refresh"' in waiting.get_data(as_text=True)
        polled = client.get(report)
        assert polled.status_code in (200, 202)
        if polled.status_code == 202:
            assert polled.get_json()["status"] in ("queued", "running")
        made = _until_ready(client, report)
        assert made.mimetype == "text/html" and "Pixel-level map" in made.get_data(as_text=True)
    finally:
        style_shift.report_path(services).unlink(missing_ok=True)
        style_shift.scores_path(services).unlink(missing_ok=True)
        services.engine.dispose()
    # Without a report the fallback is the default again, its sets calibrated on validation.
    info = create_app(trained_settings).test_client().get("/api/model/info").get_json()
    assert info["serving"]["fallback"]["model"] == "vit"
    assert info["serving"]["fallback"]["review_sets_calibrated_on"] == SETS_ON_VALIDATION
