"""Models: the six models side by side, then one model's confusion matrix, per-class F1 and
reliability diagram."""

from __future__ import annotations

import logging
from typing import Any

import plotly.graph_objects as go
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.components.aria import aria
from dashboard.components.cards import notice
from dashboard.components.charts import PALETTE, base_layout, chart, paired_bars, short_name
from dashboard.components.style_shift import style_shift_section
from dashboard.components.tables import data_table
from dashboard.services import style_shift
from dashboard.services.prediction import serving_roles
from dashboard.web.context import services
from db.engine import session_scope
from db.models import ModelVersion
from db.repo_models import active_versions
from ml.models.registry import DESCRIPTIONS, MODEL_NAMES

log = logging.getLogger(__name__)

PATH = "/models"
ROLE: str | None = "viewer"
TITLE = "Model comparison · Vitrine"
DESCRIPTION = "Accuracy, macro-F1, size, speed and calibration of every model, class by class."
NAV_LABEL = "Models"
ORDER = 50

PICK_ID = "models-pick"
PICK_TYPE = "models-pick-button"
CHOICE_ID = "models-choice"
DETAIL_ID = "models-detail"


def _active() -> list[ModelVersion]:
    with session_scope(services().sessions) as session:
        active = active_versions(session)
    return [active[name] for name in MODEL_NAMES if name in active]


def layout(**_query: str) -> html.Div:
    try:
        versions = _active()
    except SQLAlchemyError:
        log.warning("models page: database not ready")
        return html.Div(
            [
                html.H1("Model comparison"),
                notice("The database is not ready", "Run `vitrine db upgrade`.", kind="error"),
            ]
        )
    if not versions:
        return html.Div(
            [
                html.H1("Model comparison"),
                notice(
                    "No model is trained yet",
                    "Train the models with `vitrine train` (or run `vitrine demo`).",
                ),
            ]
        )
    default = "fusion" if any(v.name == "fusion" for v in versions) else versions[0].name
    roles = serving_roles(services(), [v.name for v in versions])
    fallback = next((n for n, r in roles.items() if r == "fallback"), None)
    return html.Div(
        [
            html.H1("Model comparison"),
            html.P(
                "Every figure is measured on the test split, which no model saw while it was "
                "trained, tuned or calibrated."
            ),
            html.H2("All models on the test split"),
            _comparison_table(versions, roles),
            _comparison_chart(versions),
            *style_shift_section(style_shift.latest(services()), fallback),
            html.H2("One model in detail"),
            html.P("Choose the model to show in detail:", id="models-pick-label"),
            html.Div(
                id=PICK_ID,
                role="group",
                className="toggle-group",
                **aria(labelledby="models-pick-label"),
                children=[
                    html.Button(
                        f"{v.name} (v{v.version})",
                        id={"type": PICK_TYPE, "name": v.name},
                        type="button",
                        className="toggle-group__button",
                        **aria(pressed="true" if v.name == default else "false"),
                    )
                    for v in versions
                ],
            ),
            dcc.Store(id=CHOICE_ID, data=default),
            html.Div(id=DETAIL_ID, **aria(live="polite")),
        ]
    )


def _comparison_table(versions: list[ModelVersion], roles: dict[str, str]) -> html.Div:
    rows = []
    for v in versions:
        m = v.metrics
        rows.append(
            (
                v.name,
                v.version,
                roles.get(v.name, "comparison"),
                _pct(m.get("accuracy")),
                _pct(m.get("macro_f1")),
                v.params_count,
                _num(m.get("latency_ms"), 2),
                _num(m.get("ece"), 3),
                DESCRIPTIONS.get(v.name, ""),
            )
        )
    return data_table(
        "Active model versions on the test split",
        [
            "Model",
            "Version",
            "Role",
            "Accuracy",
            "Macro-F1",
            "Parameters",
            "p50 latency (ms)",
            "ECE",
            "What it reads",
        ],
        rows,
        numeric=[False, True, False, True, True, True, True, True, False],
    )


def _comparison_chart(versions: list[ModelVersion]) -> html.Figure:
    names = [v.name for v in versions]
    accuracy = [v.metrics.get("accuracy", 0) for v in versions]
    macro_f1 = [v.metrics.get("macro_f1", 0) for v in versions]
    fig = paired_bars(names, ("Accuracy", accuracy), ("Macro-F1", macro_f1), "Test score")
    best = max(versions, key=lambda v: v.metrics.get("accuracy", 0))
    summary = (
        f"{best.name} scores best, {best.metrics.get('accuracy', 0):.1%} accuracy. "
        + "; ".join(f"{n} {a:.1%}" for n, a in zip(names, accuracy, strict=True))
        + "."
    )
    return chart(
        "models-comparison",
        "Accuracy and macro-F1 by model",
        summary,
        fig,
        ["Model", "Accuracy", "Macro-F1"],
        [(n, _pct(a), _pct(f)) for n, a, f in zip(names, accuracy, macro_f1, strict=True)],
        numeric=[False, True, True],
    )


def detail(version: ModelVersion) -> list[Any]:
    m = version.metrics
    classes: list[str] = m.get("classes", [])
    matrix: list[list[int]] = m.get("confusion_matrix", [])
    if not classes or not matrix:
        return [
            html.P(
                f"{version.name} v{version.version} has no test metrics yet: run "
                "`vitrine evaluate`."
            )
        ]
    return [
        _confusion(version, classes, matrix),
        _per_class(version, classes),
        _reliability(version),
    ]


def _confusion(version: ModelVersion, classes: list[str], matrix: list[list[int]]) -> html.Figure:
    short = [short_name(c) for c in classes]
    fig = go.Figure(
        go.Heatmap(
            z=matrix,
            x=short,
            y=short,
            colorscale="Blues",
            text=matrix,
            texttemplate="%{text}",
            hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>",
            colorbar={"title": "Products"},
        )
    )
    base_layout(fig, height=460)
    fig.update_xaxes(title_text="Predicted category", tickangle=-30)
    fig.update_yaxes(title_text="True category", autorange="reversed")
    off = [
        (classes[i], classes[j], n)
        for i, row in enumerate(matrix)
        for j, n in enumerate(row)
        if i != j and n > 0
    ]
    off.sort(key=lambda t: -t[2])
    worst = (
        f"The most frequent confusion: {off[0][2]} {off[0][0]} products predicted as {off[0][1]}."
        if off
        else "No test product was misclassified."
    )
    correct = sum(matrix[i][i] for i in range(len(matrix)))
    total = sum(sum(row) for row in matrix)
    summary = f"{correct} of {total} test products are on the diagonal (correct). {worst}"
    return chart(
        f"models-confusion-{version.name}",
        f"Confusion matrix of {version.name} v{version.version}",
        summary,
        fig,
        ["True \\ predicted", *short],
        [(c, *row) for c, row in zip(classes, matrix, strict=True)],
        numeric=[False, *([True] * len(classes))],
    )


def _per_class(version: ModelVersion, classes: list[str]) -> html.Figure:
    per_class = version.metrics.get("per_class", {})
    f1 = [per_class.get(c, {}).get("f1-score", 0.0) for c in classes]
    fig = go.Figure(
        go.Bar(
            x=f1,
            y=classes,
            orientation="h",
            marker_color=PALETTE[2],
            text=[f"{v:.1%}" for v in f1],
            textposition="outside",
            cliponaxis=False,
        )
    )
    base_layout(fig, height=80 + 40 * len(classes))
    fig.update_xaxes(range=[0, 1.1], tickformat=".0%", title_text="F1 on the test split")
    low = min(zip(f1, classes, strict=True))
    summary = f"The weakest category is {low[1]} (F1 {low[0]:.1%})."
    rows = [
        (
            c,
            _pct(per_class.get(c, {}).get("precision")),
            _pct(per_class.get(c, {}).get("recall")),
            _pct(per_class.get(c, {}).get("f1-score")),
            int(per_class.get(c, {}).get("support", 0)),
        )
        for c in classes
    ]
    return chart(
        f"models-f1-{version.name}",
        f"Per-class scores of {version.name}",
        summary,
        fig,
        ["Category", "Precision", "Recall", "F1", "Test products"],
        rows,
        numeric=[False, True, True, True, True],
    )


def _reliability(version: ModelVersion) -> html.Figure:
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
            ),
        ]
    )
    base_layout(fig, height=380)
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": 1.12, "x": 0})
    fig.update_xaxes(range=[0, 1.02], tickformat=".0%", title_text="Confidence")
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%", title_text="Accuracy")
    ece = version.metrics.get("ece", 0.0)
    before = version.metrics.get("ece_uncalibrated")
    summary = (
        f"Expected calibration error {ece:.3f} after temperature scaling"
        + (f" ({before:.3f} before)." if before is not None else ".")
        + " Points on the dashed diagonal are perfectly calibrated; numbers are products "
        "per bin."
    )
    rows = [
        (f"{b['low']:.0%}–{b['high']:.0%}", b["count"], _pct(b["confidence"]), _pct(b["accuracy"]))
        for b in bins
    ]
    return chart(
        f"models-reliability-{version.name}",
        f"Reliability diagram of {version.name}",
        summary,
        fig,
        ["Confidence bin", "Products", "Mean confidence", "Accuracy"],
        rows,
        numeric=[False, True, True, True],
    )


def _pct(value: float | None) -> str | None:
    return None if value is None else f"{value:.1%}"


def _num(value: float | None, digits: int) -> str | None:
    return None if value is None else f"{value:.{digits}f}"


def register_callbacks(app: Dash) -> None:
    @app.callback(
        Output(CHOICE_ID, "data"),
        Output({"type": PICK_TYPE, "name": ALL}, "aria-pressed"),
        Input({"type": PICK_TYPE, "name": ALL}, "n_clicks"),
        State({"type": PICK_TYPE, "name": ALL}, "id"),
        State(CHOICE_ID, "data"),
        prevent_initial_call=True,
    )
    def choose(
        _clicks: list[int | None], ids: list[dict[str, str]], current: str
    ) -> tuple[str, list[str]]:
        chosen = ctx.triggered_id["name"] if isinstance(ctx.triggered_id, dict) else current
        return chosen, ["true" if i["name"] == chosen else "false" for i in ids]

    @app.callback(Output(DETAIL_ID, "children"), Input(CHOICE_ID, "data"))
    def show_detail(name: str | None) -> list[Any]:
        if not name:
            return []
        versions = {v.name: v for v in _active()}
        if name not in versions:
            return [html.P("This model has no active version.")]
        return detail(versions[name])
