"""GET /api/predictions/{id}/report: a decision report in HTML and PDF, from the audit row."""

from __future__ import annotations

import io
import logging
import subprocess
import time
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader

from dashboard.services.locales import translations
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from dashboard.web.app import create_app
from dashboard.web.context import services as services_of


def _predict(app: Flask, index: int, text: str | None) -> dict[str, Any]:
    data = catalogue_data(services_of(app))
    i = int(data.index("test")[index])
    form: dict[str, Any] = {"image": (io.BytesIO(data.image_paths[i].read_bytes()), "p.jpg")}
    if text is not None:
        form["text"] = text
    answer = app.test_client().post("/api/predict", data=form)
    assert answer.status_code == 200
    return dict(answer.get_json())


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alts: list[str | None] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))
        if tag == "html":
            self.lang = dict(attrs).get("lang")


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _figure_alts(reader: PdfReader) -> list[str]:
    """The /Alt text of every Figure in the PDF's structure tree (its tags)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if node.get("/S") == "/Figure":
            found.append(str(node.get("/Alt", "")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.fixture(scope="module")
def app(trained_settings: Settings) -> Flask:
    return create_app(trained_settings)


FRENCH = translations("fr")


def _french(client: Any, pid: int, tmp_path: Path) -> tuple[str, str, PdfReader]:
    """The report of `pid` in French: its HTML, its PDF's text, and the PDF."""
    page = client.get(f"/api/predictions/{pid}/report?lang=fr")
    assert page.status_code == 200
    pdf = client.get(f"/api/predictions/{pid}/report?format=pdf&lang=fr")
    assert pdf.status_code == 200
    return (
        page.get_data(as_text=True),
        _pdf_text(pdf.data, tmp_path),
        PdfReader(io.BytesIO(pdf.data)),
    )


def test_the_report_of_a_prediction_with_text(
    app: Flask, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    predicted = _predict(app, 0, "Analog watch with a leather strap, steel case")
    pid, client = predicted["prediction_id"], app.test_client()
    with caplog.at_level(logging.INFO, logger="dashboard.api.report"):
        page = client.get(f"/api/predictions/{pid}/report")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    for expected in (
        f"Prediction #{pid}: {escape(predicted['category'])}",
        f"{predicted['model']} v{predicted['model_version']}",
        predicted["request_id"],
        "Analog watch with a leather strap, steel case",  # the text as given
        "Words for and against",
        "Fast map (7×7 feature cells)",
        "The 3 most similar catalogue products",
        "What the model can and cannot do",
        "expected calibration error",
    ):
        assert expected in html, expected
    parsed = _Images()
    parsed.feed(html)
    assert parsed.lang == "en"
    assert len(parsed.alts) == 5 and all(parsed.alts)  # photo, map, 3 similar: all described
    # Generating it is logged with the request's id.
    logged = [r.getMessage() for r in caplog.records if "decision report" in r.getMessage()]
    assert logged == [
        f"decision report prediction_id={pid} format=html lang=en "
        f"request_id={page.headers['X-Request-ID']}"
    ]

    pdf = client.get(f"/api/predictions/{pid}/report?format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    text = _pdf_text(pdf.data, tmp_path)
    assert predicted["category"] in text and f"Prediction #{pid}" in text
    assert f"{predicted['model']} v{predicted['model_version']}" in text
    reader = PdfReader(io.BytesIO(pdf.data))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en" and root["/MarkInfo"]["/Marked"]  # tagged, with a language
    assert reader.metadata is not None and f"prediction #{pid}" in str(reader.metadata.title)
    width, height = (round(float(v) * 25.4 / 72) for v in reader.pages[0].mediabox[2:])
    assert (width, height) == (210, 297)  # A4, in mm
    alts = _figure_alts(reader)
    assert len(alts) == 5 and all(alts)

    # The same report in French: its words, its numbers and the category's display name; the
    # prediction's id and the model's name and version as recorded.
    html, text, reader = _french(client, pid, tmp_path)
    category = FRENCH.gettext(predicted["category"])
    assert category != predicted["category"]  # every category has a French display name
    for expected in (
        f"Prédiction n° {pid} : {escape(category)}",
        "Mots pour et contre",
        "Carte rapide (7×7 cellules de caractéristiques)",
        "Ce que le modèle sait faire et ne sait pas faire",
        "erreur de calibration attendue",
        f"{predicted['model']} v{predicted['model_version']}",
    ):
        assert expected in html, expected
    assert "What the model can and cannot do" not in html and "Words for and against" not in html
    parsed = _Images()
    parsed.feed(html)
    assert parsed.lang == "fr" and len(parsed.alts) == 5 and all(parsed.alts)
    assert category in text and f"n° {pid}" in text
    assert f"{predicted['model']} v{predicted['model_version']}" in text
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert "Rapport de décision" in str(reader.metadata.title)
    assert all(_figure_alts(reader))


def test_the_report_of_an_image_only_answer(app: Flask, tmp_path: Path) -> None:
    predicted = _predict(app, 1, None)
    assert predicted["fallback"]
    pid, client = predicted["prediction_id"], app.test_client()
    html = client.get(f"/api/predictions/{pid}/report").get_data(as_text=True)
    assert f"the image-only model {predicted['model']} answered" in html
    assert "Words for and against" not in html and "None given." in html
    text = _pdf_text(client.get(f"/api/predictions/{pid}/report?format=pdf").data, tmp_path)
    assert predicted["category"] in text and f"{predicted['model']} v" in text
    assert "image-only" in text
    html, text, _reader = _french(client, pid, tmp_path)
    assert f"le modèle image seule {predicted['model']} a répondu" in html
    assert "Aucun n'a été donné." in html and "Mots pour et contre" not in html
    assert FRENCH.gettext(predicted["category"]) in text and f"n° {pid}" in text
    assert f"{predicted['model']} v{predicted['model_version']}" in text


def test_the_report_holds_the_pixel_level_map_once_it_is_computed(
    app: Flask, tmp_path: Path
) -> None:
    predicted = _predict(app, 2, "Ceramic coffee mug, 350 ml, dishwasher safe")
    pid, client = predicted["prediction_id"], app.test_client()
    before = client.get(f"/api/predictions/{pid}/report").get_data(as_text=True)
    assert "Pixel-level map" not in before
    url = f"/api/predictions/{pid}/explanation?mode=pixels&max_evals=300"
    deadline = time.monotonic() + 240
    while (answer := client.get(url)).status_code == 202:
        assert time.monotonic() < deadline, "the pixel map never became ready"
        time.sleep(int(answer.headers["Retry-After"]))
    assert answer.status_code == 200
    after = client.get(f"/api/predictions/{pid}/report").get_data(as_text=True)
    assert "Fast map (7×7 feature cells)" in after and "Pixel-level map" in after
    text = _pdf_text(client.get(f"/api/predictions/{pid}/report?format=pdf").data, tmp_path)
    assert "Pixel-level map" in text
    html, text, _reader = _french(client, pid, tmp_path)
    assert "Carte par pixels (régions floutées)" in html and "Carte rapide" in html
    assert "Carte par pixels" in text and f"n° {pid}" in text


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("format=docx", 422, "invalid_format"),
        ("lang=de", 422, "invalid_lang"),
    ],
)
def test_a_bad_report_request_is_a_clear_4xx(
    app: Flask, query: str, status: int, code: str
) -> None:
    pid = _predict(app, 3, "Baby bottle")["prediction_id"]
    answer = app.test_client().get(f"/api/predictions/{pid}/report?{query}")
    assert answer.status_code == status and answer.get_json()["error"]["code"] == code
    missing = app.test_client().get("/api/predictions/987654/report")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["message"] == "no prediction #987654"
