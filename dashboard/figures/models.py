"""Figures of the models page: metrics side by side, confusion matrix, per-class scores and
reliability."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import plotly.graph_objects as go
from dash import html

from dashboard.components.charts import (
    PALETTE,
    base_layout,
    chart,
    label_cells,
    paired_bars,
    short_name,
)
from dashboard.components.formats import pct
from dashboard.web.i18n import _, decimal, percent
from db.models import ModelVersion


def comparison_chart(versions: list[ModelVersion]) -> html.Figure:
    names = [v.name for v in versions]
    accuracy = [v.metrics.get("accuracy", 0) for v in versions]
    macro_f1 = [v.metrics.get("macro_f1", 0) for v in versions]
    fig = paired_bars(names, (_("Accuracy"), accuracy), (_("Macro-F1"), macro_f1), _("Test score"))
    best = max(versions, key=lambda v: v.metrics.get("accuracy", 0))
    summary = (
        _(
            "%(name)s scores best, %(get)s accuracy. ",
            name=best.name,
            get=percent(best.metrics.get("accuracy", 0), 1),
        )
        + "; ".join(f"{n} {a:.1%}" for n, a in zip(names, accuracy, strict=True))
        + "."
    )
    return chart(
        "models-comparison",
        _("Accuracy and macro-F1 by model"),
        summary,
        fig,
        [_("Model"), _("Accuracy"), _("Macro-F1")],
        [(n, pct(a), pct(f)) for n, a, f in zip(names, accuracy, macro_f1, strict=True)],
        numeric=[False, True, True],
    )


def catalogue_link(true: str, predicted: str) -> str:
    """The catalogue browser showing the test products of `true` answered `predicted`."""
    return "/catalogue?" + urlencode({"split": "test", "category": true, "predicted": predicted})


def confusion(
    version: ModelVersion, classes: list[str], matrix: list[list[int]], *, linked: bool = False
) -> html.Figure:
    """`linked`: each count opens those products in the catalogue browser (for the model the
    browser shows, the active fusion), from the chart or its data table."""
    short = [short_name(c) for c in classes]
    links = [[catalogue_link(t, p) for p in classes] for t in classes] if linked else None
    fig = go.Figure(
        go.Heatmap(
            z=matrix,
            x=short,
            y=short,
            customdata=links,
            colorscale="Blues",
            hovertemplate=_("true %{y}, predicted %{x}: %{z}<extra></extra>"),
            colorbar={"title": _("Products")},
        )
    )
    label_cells(fig, matrix, [[str(n) for n in row] for row in matrix], "Blues")
    base_layout(fig, height=460)
    fig.update_xaxes(title_text=_("Predicted category"), tickangle=-30)
    fig.update_yaxes(title_text=_("True category"), autorange="reversed")
    off = [
        (classes[i], classes[j], n)
        for i, row in enumerate(matrix)
        for j, n in enumerate(row)
        if i != j and n > 0
    ]
    worst = most_frequent_confusions(off)
    correct = sum(matrix[i][i] for i in range(len(matrix)))
    total = sum(sum(row) for row in matrix)
    summary = _(
        "%(correct)s of %(total)s test products are on the diagonal (correct). %(worst)s",
        correct=correct,
        total=total,
        worst=worst,
    )
    rows: list[list[Any]] = [[c, *row] for c, row in zip(classes, matrix, strict=True)]
    if links:
        summary += _(" Select a count, in the chart or its data table, to see those products.")
        for i, row in enumerate(matrix):
            for j, n in enumerate(row):
                if n:
                    label = _(
                        "%(n)s %(classes)s predicted as %(classes2)s",
                        n=n,
                        classes=classes[i],
                        classes2=classes[j],
                    )
                    rows[i][j + 1] = html.A(str(n), href=links[i][j], title=label)
    return chart(
        f"models-confusion-{version.name}",
        _(
            "Confusion matrix of %(name)s v%(version)s",
            name=version.name,
            version=version.version,
        ),
        summary,
        fig,
        [_("True \\ predicted"), *short],
        rows,
        numeric=[False, *([True] * len(classes))],
    )


def most_frequent_confusions(off: list[tuple[str, str, int]]) -> str:
    """The largest off-diagonal count in words, naming every pair that shares it."""
    if not off:
        return _("No test product was misclassified.")
    top = max(n for _t, _p, n in off)
    tied = [
        _(
            "%(t)s predicted as %(p)s",
            t=t,
            p=p,
        )
        for t, p, n in off
        if n == top
    ]
    products = "product" if top == 1 else "products"
    if len(tied) == 1:
        return _(
            "The most frequent confusion: %(top)s %(products)s, %(tied)s.",
            top=top,
            products=products,
            tied=tied[0],
        )
    return (
        _(
            "The most frequent confusions, %(top)s %(products)s each (%(count)s tied): ",
            top=top,
            products=products,
            count=len(tied),
        )
        + "; ".join(tied)
        + "."
    )


def per_class(version: ModelVersion, classes: list[str]) -> html.Figure:
    per_class = version.metrics.get("per_class", {})
    f1 = [per_class.get(c, {}).get("f1-score", 0.0) for c in classes]
    fig = go.Figure(
        go.Bar(
            x=f1,
            y=classes,
            orientation="h",
            marker_color=PALETTE[2],
            text=[percent(v, 1) for v in f1],
            textposition="outside",
            cliponaxis=False,
        )
    )
    base_layout(fig, height=80 + 40 * len(classes))
    fig.update_xaxes(range=[0, 1.1], tickformat=".0%", title_text=_("F1 on the test split"))
    low = min(zip(f1, classes, strict=True))
    summary = _(
        "The weakest category is %(low)s (F1 %(low2)s).",
        low=low[1],
        low2=percent(low[0], 1),
    )
    rows = [
        (
            c,
            pct(per_class.get(c, {}).get("precision")),
            pct(per_class.get(c, {}).get("recall")),
            pct(per_class.get(c, {}).get("f1-score")),
            int(per_class.get(c, {}).get("support", 0)),
        )
        for c in classes
    ]
    return chart(
        f"models-f1-{version.name}",
        _(
            "Per-class scores of %(name)s",
            name=version.name,
        ),
        summary,
        fig,
        [_("Category"), _("Precision"), _("Recall"), "F1", _("Test products")],
        rows,
        numeric=[False, True, True, True, True],
    )


def reliability(version: ModelVersion) -> html.Figure:
    bins = [b for b in version.metrics.get("reliability", []) if b.get("count")]
    confidence = [b["confidence"] for b in bins]
    accuracy = [b["accuracy"] for b in bins]
    fig = go.Figure(
        [
            go.Scatter(
                x=[0, 1],
                y=[0, 1],
                mode="lines",
                name="Perfect calibration",
                line={"dash": "dash", "color": "#6b7684"},
            ),
            go.Scatter(
                x=confidence,
                y=accuracy,
                mode="lines+markers+text",
                name=version.name,
                marker={"symbol": "diamond", "size": 10, "color": PALETTE[5]},
                text=[str(b["count"]) for b in bins],
                textposition="top left",
                cliponaxis=False,  # the labels of the top bins sat above the plot and were cut
            ),
        ]
    )
    base_layout(fig, height=400)
    fig.update_layout(
        showlegend=True, legend={"orientation": "h", "y": 1.16, "x": 0}, margin={"t": 30}
    )
    fig.update_xaxes(range=[0, 1.02], tickformat=".0%", title_text=_("Confidence"))
    fig.update_yaxes(range=[0, 1.1], tickvals=[0, 0.2, 0.4, 0.6, 0.8, 1.0], tickformat=".0%")
    fig.update_yaxes(title_text=_("Accuracy"))
    return chart(
        f"models-reliability-{version.name}",
        _(
            "Reliability diagram of %(name)s",
            name=version.name,
        ),
        calibration_summary(version.metrics),
        fig,
        [_("Confidence bin"), _("Products"), _("Mean confidence"), _("Accuracy")],
        [
            (
                f"{b['low']:.0%}–{b['high']:.0%}",
                b["count"],
                pct(b["confidence"]),
                pct(b["accuracy"]),
            )
            for b in bins
        ],
        numeric=[False, True, True, True],
    )


def calibration_summary(metrics: dict[str, Any]) -> str:
    """The ECE in words, saying so when temperature scaling made the test split worse."""
    ece = metrics.get("ece", 0.0)
    before = metrics.get("ece_uncalibrated")
    said = _(
        "Expected calibration error %(ece)s after temperature scaling",
        ece=decimal(ece, 3),
    )
    if before is None:
        said += "."
    elif ece > before:
        said += _(
            ", worse than the %(before)s before it: the temperature was fitted on "
            "the validation split, and on the test split the raw confidences were "
            "already closer to the accuracy. The served confidences are the scaled "
            "ones.",
            before=decimal(before, 3),
        )
    else:
        said += _(
            " (%(before)s before).",
            before=decimal(before, 3),
        )
    return said + (
        _(" Points on the dashed diagonal are perfectly calibrated; numbers are products per bin.")
    )
