"""Batch jobs over the API: an uploaded CSV and ZIP scored in the background (here without
Redis, on the web process's batch thread), followed, downloaded in input order and cancelled;
harmful archives refused in words with nothing written outside the job's folder; roles."""

from __future__ import annotations

import csv
import io
import random
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest

from dashboard.services.batch_jobs import wait_here
from dashboard.services.users import hash_password
from dashboard.settings import Settings
from dashboard.web.app import create_app
from dashboard.web.context import services as services_of
from db.engine import session_scope
from db.repo_users import add_user
from ml.demo.catalogue import generate
from tests.dashboard.signin import sign_in
from tests.trained_copy import trained_copy


def _catalogue(tmp_path: Path, per_category: int = 1) -> tuple[bytes, bytes, list[dict[str, str]]]:
    """A generated catalogue as the CSV's bytes and a ZIP of its images (in a folder)."""
    csv_path = generate(tmp_path / "cat", per_category=per_category, seed=5, progress=False)
    rows = list(csv.DictReader(csv_path.open()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for row in rows:
            archive.write(tmp_path / "cat/Images" / row["image"], f"Images/{row['image']}")
    return csv_path.read_bytes(), buffer.getvalue(), rows


def _submit(client: Any, catalogue: bytes, images: bytes) -> Any:
    return client.post(
        "/api/batch-jobs",
        data={
            "catalogue": (io.BytesIO(catalogue), "my catalogue.csv"),
            "images": (io.BytesIO(images), "images.zip"),
        },
        content_type="multipart/form-data",
    )


@pytest.fixture
def app(trained_settings: Settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    # Its own database: job lists hold every job, and other tests run jobs too.
    settings = trained_copy(tmp_path / "db", trained_settings, batch_chunk=3, max_upload_mb=0.5)
    return create_app(settings)


def test_an_uploaded_job_is_scored_followed_and_downloaded(app: Any, tmp_path: Path) -> None:
    client = app.test_client()
    catalogue, images, rows = _catalogue(tmp_path)
    answer = _submit(client, catalogue, images)
    assert answer.status_code == 202, answer.get_data(as_text=True)
    job = answer.get_json()
    assert answer.headers["Location"] == f"/api/batch-jobs/{job['id']}"
    assert (job["total"], job["chunks"], job["source_name"]) == (7, 3, "my catalogue.csv")
    wait_here(services_of(app))
    done = client.get(f"/api/batch-jobs/{job['id']}").get_json()
    assert (done["state"], done["scored"], done["refused"], done["done"]) == ("done", 7, 0, 7)
    assert [j["id"] for j in client.get("/api/batch-jobs").get_json()["items"]] == [job["id"]]
    results = client.get(done["results_url"])
    assert results.status_code == 200 and results.mimetype == "text/csv"
    scored = list(csv.DictReader(io.StringIO(results.get_data(as_text=True))))
    assert [r["uniq_id"] for r in scored] == [r["uniq_id"] for r in rows]
    assert all(r["predicted_category"] and not r["error"] for r in scored)
    # Cancelling a finished job changes nothing; an unknown one is 404.
    assert client.post(f"/api/batch-jobs/{job['id']}/cancel").get_json()["state"] == "done"
    assert client.get(f"/api/batch-jobs/{'0' * 32}").status_code == 404


def _zip(*members: tuple[zipfile.ZipInfo | str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return buffer.getvalue()


def _corrupt() -> bytes:
    """A ZIP whose one member's compressed bytes are damaged (zlib cannot inflate them)."""
    photo_like = random.Random(0).randbytes(1000) + b"a" * 5000
    raw = bytearray(_zip(("damaged.jpg", photo_like)))
    for i in range(60, 120):
        raw[i] ^= 0xFF
    return bytes(raw)


def _link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(
    ("images", "said"),
    [
        (_zip(("../escape.jpg", b"x")), "../escape.jpg: a path outside the archive's folder"),
        (_zip(("/etc/escape.jpg", b"x")), "/etc/escape.jpg: a path outside the archive's folder"),
        (_zip((_link("escape.jpg"), b"/etc/passwd")), "escape.jpg: links are not accepted"),
        (_zip(("bomb.jpg", b"\0" * 400_000)), "bomb.jpg: expands 100 times or more"),
        (_zip(("big.jpg", bytes(range(256)) * 4096)), "big.jpg: larger than 0.5 MB"),
        (_zip(("a/one.jpg", b"x"), ("b/one.jpg", b"y")), "two files are named one.jpg"),
        (b"not a zip", "not a readable ZIP archive"),
        (_corrupt(), "not a readable ZIP archive"),
    ],
)
def test_harmful_archives_are_refused_and_nothing_is_written(
    app: Any, tmp_path: Path, images: bytes, said: str
) -> None:
    catalogue, _images, _rows = _catalogue(tmp_path)
    answer = _submit(app.test_client(), catalogue, images)
    assert answer.status_code == 422, answer.get_data(as_text=True)
    error = answer.get_json()["error"]
    assert error["code"] == "invalid_upload" and said in error["message"]
    batch = services_of(app).settings.batch_root
    assert [p.name for p in batch.iterdir() if p.is_dir()] == []  # no job folder left
    assert not list(tmp_path.rglob("escape.jpg")) and not list(batch.rglob("*.jpg"))


def test_a_bad_csv_is_refused_and_files_are_required(app: Any, tmp_path: Path) -> None:
    _catalogue_bytes, images, _rows = _catalogue(tmp_path)
    client = app.test_client()
    answer = _submit(client, b"uniq_id,name\na,b\n", images)
    assert answer.status_code == 422 and "lacks the column(s) image" in answer.get_data(
        as_text=True
    )
    only_csv = client.post(
        "/api/batch-jobs",
        data={"catalogue": (io.BytesIO(b"uniq_id,image\n"), "c.csv")},
        content_type="multipart/form-data",
    )
    assert only_csv.status_code == 400 and only_csv.get_json()["error"]["code"] == "missing_file"


def test_large_jobs_need_the_admin_role_and_jobs_are_private(
    trained_settings: Settings, tmp_path: Path
) -> None:
    settings = trained_copy(tmp_path / "db", trained_settings, auth="required", batch_viewer_max=5)
    app = create_app(settings)
    with session_scope(services_of(app).sessions) as session:
        for name, role in (("vera", "viewer"), ("otto", "viewer"), ("ada", "admin")):
            add_user(session, name, hash_password("long enough"), role)
    clients = {}
    for name in ("vera", "otto", "ada"):
        clients[name] = app.test_client()
        assert sign_in(clients[name], name, "long enough").status_code == 302
    catalogue, images, _rows = _catalogue(tmp_path)  # 7 products
    refused = _submit(clients["vera"], catalogue, images)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "too_many_products"
    assert "more than the 5 your role may score" in refused.get_json()["error"]["message"]
    accepted = _submit(clients["ada"], catalogue, images)
    assert accepted.status_code == 202
    job = accepted.get_json()["id"]
    wait_here(services_of(app))
    assert clients["ada"].get(f"/api/batch-jobs/{job}").get_json()["username"] == "ada"
    # Another account's job does not exist for a viewer.
    assert clients["otto"].get(f"/api/batch-jobs/{job}").status_code == 404
    assert clients["otto"].get(f"/api/batch-jobs/{job}/results").status_code == 404
    assert clients["otto"].get("/api/batch-jobs").get_json()["items"] == []
