"""A decision report as one self-contained HTML page (images inline) or a tagged A4 PDF.

The HTML comes from a Jinja2 template (`templates/decision_report.html`, autoescaped, its
words from the language's gettext catalogue); the PDF is that same HTML laid out by WeasyPrint
as PDF/UA-1 (tagged, with the page's title and language), so both say exactly the same thing.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from typing import Any

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape
from PIL import Image

from dashboard.services import locales
from dashboard.services.explain import PredictionExplanation
from dashboard.services.locales import DEFAULT_LANGUAGE, gettext_for, supported
from dashboard.services.report import DecisionReport
from ml.explain import REGIONS, square_input
from ml.wording import PLACES, Translate

# The Explain page's heatmap colours (PuOr): orange pushes towards the category, purple against.
TOWARDS = np.array([230, 97, 1], dtype=np.float32)
AGAINST = np.array([94, 60, 153], dtype=np.float32)
PHOTO_SIDE = 224


@lru_cache(maxsize=len(locales.LANGUAGES))
def _templates(language: str) -> Environment:
    """The report's templates speaking `language` (one environment each: gettext is bound)."""
    environment = Environment(
        loader=PackageLoader("dashboard.services", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_translations(  # type: ignore[attr-defined]  # the i18n ext
        locales.translations(language), newstyle=True
    )
    environment.globals.update(
        language=language,
        cat=gettext_for(language),  # category names, translated for display only
        pct=lambda value, digits: locales.percent(value, digits, language),
        dec=lambda value, digits, signed=False: locales.decimal(
            value, digits, language, signed=signed
        ),
        when=lambda moment: locales.when(moment, language),
    )
    return environment


def report_html(report: DecisionReport, language: str = DEFAULT_LANGUAGE) -> str:
    language = supported(language)
    _ = gettext_for(language)
    return (
        _templates(language)
        .get_template("decision_report.html")
        .render(
            r=report,
            photo=_data_uri(_png(_square(report.photo, PHOTO_SIDE))),
            maps=[
                _map(m, _, language)
                for m in (report.explanation, report.pixel_explanation)
                if m is not None
            ],
            words=_words(report.explanation, _, language),
            similar=[
                {"item": s, "photo": _data_uri(_png(_square(s.photo, 96)))} for s in report.similar
            ],
        )
    )


def report_pdf(report: DecisionReport, language: str = DEFAULT_LANGUAGE) -> bytes:
    # Imported when a PDF is asked for: WeasyPrint loads Pango, which nothing else needs.
    from weasyprint import HTML

    pdf = HTML(string=report_html(report, language)).write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    return bytes(pdf)


def _square(data: bytes, side: int) -> Image.Image:
    """The photo as the model sees it (centre square), `side` pixels wide."""
    with Image.open(io.BytesIO(data)) as image:
        return Image.fromarray(square_input(image.convert("RGB"), side))


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def heat_overlay(photo: np.ndarray, values: np.ndarray) -> Image.Image:
    """The photo the model saw ([224, 224, 3] uint8) tinted by attribution: orange where it
    pushed towards the category, purple where against, stronger for larger values."""
    if values.shape != photo.shape[:2]:
        repeat = photo.shape[0] // values.shape[0]
        values = np.kron(values, np.ones((repeat, repeat)))
    scale = float(np.abs(values).max()) or 1.0
    strength = (np.abs(values) / scale * 0.7)[..., None]
    colour = np.where((values >= 0)[..., None], TOWARDS, AGAINST)
    tinted = photo.astype(np.float32) * (1 - strength) + colour * strength
    return Image.fromarray(np.clip(tinted, 0, 255).astype(np.uint8))


def _signed(value: float, language: str) -> str:
    """A SHAP total as the report writes it: two decimals and its sign ("+0,42")."""
    return locales.decimal(value, 2, language, signed=True)


def _map(result: PredictionExplanation, _: Translate, language: str) -> dict[str, Any]:
    image = result.image
    fast = image.mode == "cells"
    shares = image.quadrant_shares()
    top = max(shares, key=shares.__getitem__)
    values = image.grid if image.pixels is None else image.pixels
    target = _(result.target)

    return {
        "title": _("Fast map (7×7 feature cells)")
        if fast
        else _("Pixel-level map (blurred regions)"),
        "image": _data_uri(_png(heat_overlay(result.photo, values))),
        "alt": _(
            "The photo tinted by attribution towards %(category)s; the %(quarter)s quarter "
            "holds %(share)s of it.",
            category=target,
            quarter=_(PLACES[top]),
            share=locales.percent(shares[top], 0, language),
        ),
        "kind": _(
            "It masks the model's 7×7 grid of image features, one cell at a time in every "
            "combination (SHAP), and is exact for what the classifier reads."
        )
        if fast
        else _(
            "It blurs regions of the photo itself (SHAP partition), so it also shows what "
            "the image backbone reacts to."
        ),
        "summary": image.summary(_),
        "quarters": [(_(PLACES[q]), shares[q]) for q in REGIONS],
        "meaning": _(
            "Values are in log-odds of %(category)s (log(p / (1 − p))), readable at any "
            "confidence; they add up from %(base)s, the model's output for an average photo, "
            "to %(output)s for this one.",
            category=target,
            base=_signed(image.base_value, language),
            output=_signed(image.output_value, language),
        ),
    }


def _words(
    result: PredictionExplanation | None, _: Translate, language: str
) -> dict[str, Any] | None:
    if result is None or result.text is None:
        return None
    text = result.text

    return {
        "target": result.target,
        "towards": [c for c in text.contributions if c.value > 0],
        "against": [c for c in text.contributions if c.value < 0],
        "other": text.other_words,
        "meaning": _(
            "Each value is how much the word moved the text branch's score for %(category)s "
            "compared with an average catalogue text: positive pushes towards %(category)s, "
            "negative away from it. The score goes from %(base)s on average to %(output)s for "
            "this text; words not listed add %(other)s together.",
            category=_(result.target),
            base=_signed(text.base_value, language),
            output=_signed(text.output_value, language),
            other=_signed(text.other_words, language),
        ),
    }
