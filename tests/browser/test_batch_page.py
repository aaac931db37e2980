"""The Batch page in a browser, axe-clean in every state: no job, a job running (with its
Cancel button, used from the keyboard), files refused, and a job uploaded through the page
scored to the end with its download link."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.services.batch_jobs import create_uploaded_job
from dashboard.services.state import Services
from dashboard.web.app import create_app
from ml.demo.catalogue import generate
from tests.browser.navigation import open_page
from tests.trained_copy import trained_copy

pytestmark = pytest.mark.browser


@pytest.fixture
def batch(dash_duo, trained_settings, tmp_path) -> tuple[Any, Any, Path, Path]:  # type: ignore[no-untyped-def]
    # Its own database: the page lists every job, and other tests run jobs too.
    settings = trained_copy(tmp_path / "instance-copy", trained_settings, batch_chunk=3)
    csv_path = generate(tmp_path / "cat", per_category=1, seed=5, progress=False)
    archive = tmp_path / "images.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for row in csv.DictReader(csv_path.open()):
            zipped.write(tmp_path / "cat/Images" / row["image"], row["image"])
    dash_duo.start_server(create_app(settings).extensions["dash"])
    return dash_duo, Services.from_settings(settings), csv_path, archive


def _upload(duo: Any, upload_id: str, path: Path) -> None:
    field = duo.driver.find_element(By.CSS_SELECTOR, f"#{upload_id} input[type=file]")
    field.send_keys(str(path))
    duo.wait_for_contains_text(f"#{upload_id}-status", f"Chosen: {path.name}", timeout=20)


def test_batch_page_in_every_state(batch, axe, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    duo, services, csv_path, archive = batch
    open_page(duo, "/batch")
    duo.wait_for_contains_text("#batch-progress", "No batch job yet.", timeout=20)
    axe.assert_clean("/batch (no job)")

    # A job that no worker has started yet stays running: its Cancel button works by keyboard.
    create_uploaded_job(
        services, csv_path.read_bytes(), archive, source_name="waiting.csv", by=None,
        max_products=None,
    )  # fmt: skip
    open_page(duo, "/batch")
    duo.wait_for_contains_text("#batch-progress", "1 running: 0 of 7 products done.", timeout=20)
    axe.assert_clean("/batch (a job running)")
    cancel = duo.driver.find_element(By.CSS_SELECTOR, "button[id*='batch-cancel']")
    duo.driver.execute_script("arguments[0].focus();", cancel)
    cancel.send_keys(Keys.ENTER)
    duo.wait_for_contains_text("#batch-message", "Cancelled waiting.csv: 0 products", timeout=20)
    axe.assert_clean("/batch (a job cancelled)")

    # Files that cannot be scored are refused in words.
    bad = tmp_path / "bad.csv"
    bad.write_text("uniq_id,name\na,b\n")
    _upload(duo, "batch-csv", bad)
    _upload(duo, "batch-zip", archive)
    duo.find_element("#batch-submit").click()
    duo.wait_for_contains_text("#batch-message", "lacks the column(s) image", timeout=30)
    axe.assert_clean("/batch (files refused)")

    # A job uploaded through the page runs to the end; its results can be downloaded.
    open_page(duo, "/batch")
    _upload(duo, "batch-csv", csv_path)
    _upload(duo, "batch-zip", archive)
    duo.find_element("#batch-submit").click()
    duo.wait_for_contains_text("#batch-message", "Started: 7 products in 3 chunks", timeout=30)
    duo.wait_for_contains_text("#batch-progress", "2 jobs, none running.", timeout=120)
    link = duo.driver.find_element(By.PARTIAL_LINK_TEXT, "Download results (CSV)")
    assert link.get_attribute("href").endswith("/results")
    assert csv_path.name in duo.find_element("#batch-jobs").text
    axe.assert_clean("/batch (a job done)")
