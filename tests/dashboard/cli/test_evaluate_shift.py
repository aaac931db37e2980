"""vitrine evaluate --shift: leave-one-style-out on the demo's art sets, printed and stored, and
the image-only fallback then served is the candidate that held up best."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

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


def test_shift_report_picks_the_fallback_that_serves(trained_settings: Settings) -> None:
    services = Services.from_settings(trained_settings)
    art_sets = trained_settings.data_dir.parent / "demo" / "art_sets.csv"
    try:
        result = CliRunner().invoke(
            main,
            ["evaluate", "--shift", "--art-sets", str(art_sets), "--models", "stage_probe,vit"],
            env=_env(trained_settings),
        )
        assert result.exit_code == 0, result.output
        stored = json.loads(style_shift.report_path(services).read_text())
        held_out = stored["art_sets"]
        assert len(held_out) >= 5  # the demo draws in several icon sets
        assert {(f["style"], f["model"]) for f in stored["folds"]} == {
            (s, m) for s in held_out for m in ("stage_probe", "vit")
        }
        means = stored["means"]
        best = max(("stage_probe", "vit"), key=lambda n: means[n]["accuracy"])
        assert stored["fallback"] == best
        lines = result.output.splitlines()
        assert sum(line.startswith("MEAN") for line in lines) == 2
        assert f"fallback by this figure: {best}" in lines

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
        assert predictor_for(services).fallback.doubt.calibrated_on_ == SETS_ACROSS_STYLES
        # Its explanation is a pixel map when the head reads more than the last feature map.
        # A pixel map is computed in the background: 202 until it is ready.
        url = f"/api/predictions/{recorded.prediction_id}/explanation?max_evals=60"
        explained = client.get(url)
        expected_mode = "pixels" if best == "stage_probe" else "cells"
        assert explained.status_code == (202 if expected_mode == "pixels" else 200)
        deadline = time.monotonic() + 240
        while explained.status_code == 202 and time.monotonic() < deadline:
            time.sleep(int(explained.headers["Retry-After"]))
            explained = client.get(url)
        assert explained.status_code == 200, explained.get_json()
        assert explained.get_json()["image"]["mode"] == expected_mode
    finally:
        style_shift.report_path(services).unlink(missing_ok=True)
        style_shift.scores_path(services).unlink(missing_ok=True)
        services.engine.dispose()
    # Without a report the fallback is the default again, its sets calibrated on validation.
    info = create_app(trained_settings).test_client().get("/api/model/info").get_json()
    assert info["serving"]["fallback"]["model"] == "vit"
    assert info["serving"]["fallback"]["review_sets_calibrated_on"] == SETS_ON_VALIDATION
