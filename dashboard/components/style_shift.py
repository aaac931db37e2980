"""The style-shift section of the Models page: leave-one-style-out scores as a chart, a summary
in words, a data table per held-out art set, and why the fallback is the one it is."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import html

from dashboard.components.cards import notice
from dashboard.components.charts import chart, paired_bars
from dashboard.components.tables import data_table
from dashboard.web.i18n import N_, _, decimal, percent, when
from ml.models.registry import MODEL_NAMES, PRIMARY, card
from ml.wording import joined

# Each augmented view (ml.views) of a training photo, in words.
VIEW_WORDS = {
    "gray": N_("a grayscale copy"),
    "hue": N_("a copy in another hue"),
    "posterize": N_("a posterized copy"),
    "crop_flip": N_("a cropped, mirrored copy"),
    "blur": N_("a blurred copy"),
}


def _pct(value: float | None) -> str:
    return "–" if value is None else percent(value, 1)


def _decimal(value: float | None, digits: int) -> str:
    return "–" if value is None else decimal(value, digits)


def _when(iso: str) -> str:
    return when(datetime.fromisoformat(iso))


def fallback_reason(report: dict[str, Any] | None, fallback: str | None) -> str:
    """One sentence on why the image-only fallback is the model it is."""
    if fallback is None:
        return _("No image-only model is active, so products without text cannot be answered.")
    means = (report or {}).get("means", {})
    if fallback not in means:
        return _(
            "The image-only fallback is %(fallback)s: no style-shift figure is "
            "stored yet, so the default applies. Run `vitrine evaluate --shift` to "
            "choose it by how well each model holds up on art styles it never saw.",
            fallback=fallback,
        )
    others = [
        f"{name} {_pct(m['accuracy'])}"
        for name, m in means.items()
        if name not in (fallback, PRIMARY) and m.get("accuracy") is not None
    ]
    return _(
        "The image-only fallback is %(fallback)s because it holds up best on "
        "art styles it never saw: %(pct)s mean accuracy leave-one-style-out",
        fallback=fallback,
        pct=_pct(means[fallback]["accuracy"]),
    ) + (
        _(
            " (other image-only models: %(join)s).",
            join=", ".join(others),
        )
        if others
        else "."
    )


def _sets_note(means: dict[str, dict[str, float | None]], fallback: str | None) -> str | None:
    """Why the review sets of the fallback can be trusted on new styles, with the figure."""
    scores = means.get(fallback or "", {})
    if scores.get("set_coverage") is None or scores.get("set_coverage_in_style") is None:
        return None
    return _(
        "The 90%% review sets of %(fallback)s are calibrated on its answers to "
        "art sets it never saw, so they keep their promise on new styles: they "
        "hold the true category %(pct)s of the time over the held-out sets. "
        "Calibrated on the validation split, whose photos look like the "
        "training ones, they would hold it %(pct2)s of the time.",
        fallback=fallback,
        pct=_pct(scores["set_coverage"]),
        pct2=_pct(scores["set_coverage_in_style"]),
    )


def _training_note(report: dict[str, Any], fallback: str | None) -> str:
    """What the probes learned from, and how often the fallback's unflagged answers are right
    when each held-out answer counts once."""
    probes = ", ".join(n for n in MODEL_NAMES if card(n).learns_from_views)
    views = report.get("views") or []
    said = (
        _(
            "The linear probes (%(models)s) also learned from %(views)s of every training photo.",
            models=probes,
            views=joined([_(VIEW_WORDS.get(v, v)) for v in views], _),
        )
        if views
        else _(
            "The linear probes (%(models)s) learned from the training photos alone.", models=probes
        )
    )
    pooled = report["means"].get(fallback or "", {}).get("unflagged_accuracy_pooled")
    if pooled is None:
        return said
    return (
        said
        + " "
        + _(
            "Counting every held-out answer once, %(pct)s of the answers %(fallback)s did not "
            "flag for review were right.",
            pct=_pct(pooled),
            fallback=fallback,
        )
    )


def style_shift_section(report: dict[str, Any] | None, fallback: str | None) -> list[Any]:
    heading = html.H2(_("Photos unlike the catalogue: leave-one-style-out"))
    intro = html.P(
        _(
            "Each art set of the demo catalogue is held out in turn: the models are trained on the "
            "other sets and scored on every product of the held-out one. This is how an image-only "
            "answer fares on photos whose style the model never saw; the test split above "
            "flatters it."
        )
    )
    reason = html.P(fallback_reason(report, fallback), id="models-fallback-reason")
    if not report:
        return [
            heading,
            intro,
            reason,
            notice(
                _("No style-shift report yet"), _("Run `vitrine evaluate --shift` to measure it.")
            ),
        ]
    means: dict[str, dict[str, float | None]] = report["means"]
    names = list(means)
    accuracy = [means[n]["accuracy"] or 0.0 for n in names]
    unflagged = [means[n]["unflagged_accuracy"] or 0.0 for n in names]
    fig = paired_bars(
        names,
        (_("Accuracy"), accuracy),
        (_("Accuracy of answers not flagged for review"), unflagged),
        _("Mean over held-out sets"),
    )
    image_only = [n for n in names if n != PRIMARY]
    worst = min(
        (f for f in report["folds"] if f["model"] == fallback),
        key=lambda f: f["accuracy"],
        default=None,
    )
    summary = (
        _(
            "Mean over %(count)s held-out art sets. ",
            count=len(report["art_sets"]),
        )
        + "; ".join(f"{n} {_pct(means[n]['accuracy'])}" for n in names)
        + "."
        + (
            _(
                " The fallback does worst on %(style)s (%(pct)s).",
                style=worst["style"],
                pct=_pct(worst["accuracy"]),
            )
            if worst
            else ""
        )
    )
    figure = chart(
        "models-shift",
        _("Accuracy on art styles never seen in training, by model"),
        summary,
        fig,
        [
            _("Model"),
            _("Accuracy"),
            _("Macro-F1"),
            "ECE",
            _("Flagged for review"),
            _("Accuracy not flagged"),
            _("Accuracy not flagged, per answer"),
            _("%(level)s set covers the truth", level=percent(0.9, 0)),
            _("Mean set size"),
        ],
        [
            (
                n,
                _pct(means[n]["accuracy"]),
                _pct(means[n]["macro_f1"]),
                _decimal(means[n]["ece"], 3),
                _pct(means[n]["flagged"]),
                _pct(means[n]["unflagged_accuracy"]),
                # Reports from before the pooled figure lack it: shown as not measured.
                _pct(means[n].get("unflagged_accuracy_pooled")),
                _pct(means[n].get("set_coverage")),
                _decimal(means[n].get("set_size"), 2),
            )
            for n in names
        ],
        numeric=[False, *([True] * 8)],
    )
    sets_note = _sets_note(means, fallback)
    by_set = {(f["style"], f["model"]): f["accuracy"] for f in report["folds"]}
    per_set = data_table(
        _("Accuracy per held-out art set"),
        [_("Held-out art set"), *names],
        [(s, *(_pct(by_set.get((s, n))) for n in names)) for s in report["art_sets"]],
        table_id="models-shift-per-set",
        numeric=[False, *([True] * len(names))],
    )
    return [
        heading,
        intro,
        reason,
        figure,
        *([html.P(sets_note, id="models-shift-sets")] if sets_note else []),
        html.P(_training_note(report, fallback), id="models-shift-training"),
        per_set,
        html.P(
            _(
                "Measured on %(when)s over %(products)s products; image-only models: %(join)s.",
                when=_when(report["created_at"]),
                products=report["products"],
                join=", ".join(image_only),
            )
        ),
    ]
