"""Models: the models side by side, what the fusion relies on across the catalogue (global
explanations), then one model's confusion matrix, per-class F1 and reliability diagram."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html

from dashboard.components import review_training, shadow_models
from dashboard.components.aria import aria
from dashboard.components.cards import notice
from dashboard.components.formats import num, pct
from dashboard.components.ids import page_ids
from dashboard.components.style_shift import style_shift_section
from dashboard.components.tables import data_table
from dashboard.figures.global_explanations import cells_chart, words_table
from dashboard.figures.models import comparison_chart, confusion, per_class, reliability
from dashboard.services import style_shift
from dashboard.services.global_explanations import global_explanation
from dashboard.services.prediction import ModelsNotReady
from dashboard.services.serving import serving_roles
from dashboard.services.training import NoCatalogue
from dashboard.web.context import services
from dashboard.web.i18n import N_, _
from db.engine import session_scope
from db.models import ModelVersion
from db.repo_models import active_versions
from ml.models.registry import DESCRIPTIONS, MODEL_NAMES, PRIMARY

PATH = "/models"
ROLE: str | None = "viewer"
TITLE = N_("Model comparison · Vitrine")
DESCRIPTION = N_("Accuracy, macro-F1, size, speed and calibration of every model, class by class.")
NAV_LABEL = N_("Models")
ORDER = 50

ID = page_ids("models")
PICK_ID = ID("pick")
PICK_TYPE = ID("pick-button")
CHOICE_ID = ID("choice")
DETAIL_ID = ID("detail")


def _active() -> list[ModelVersion]:
    with session_scope(services().sessions) as session:
        active = active_versions(session)
    return [active[name] for name in MODEL_NAMES if name in active]


def layout(**_query: str) -> html.Div:
    versions = _active()
    if not versions:
        return html.Div(
            [
                html.H1(_("Model comparison")),
                notice(
                    _("No model is trained yet"),
                    _("Train the models with `vitrine train` (or run `vitrine demo`)."),
                ),
            ]
        )
    default = PRIMARY if any(v.name == PRIMARY for v in versions) else versions[0].name
    roles = serving_roles(services(), [v.name for v in versions])
    fallback = next((n for n, r in roles.items() if r == "fallback"), None)
    return html.Div(
        [
            html.H1(_("Model comparison")),
            html.P(
                _(
                    "Every figure is measured on the test split, which no model saw while it was "
                    "trained, tuned or calibrated."
                )
            ),
            html.H2(_("All models on the test split")),
            _comparison_table(versions, roles),
            comparison_chart(versions),
            *review_training.section(),
            *shadow_models.section(),
            *style_shift_section(style_shift.latest(services()), fallback),
            *_global_section(),
            html.H2(_("One model in detail")),
            html.P(_("Choose the model to show in detail:"), id=ID("pick-label")),
            html.Div(
                id=PICK_ID,
                role="group",
                className="toggle-group",
                **aria(labelledby=ID("pick-label")),
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


def _global_section() -> list[Any]:
    title = html.H2(_("What the fusion model relies on, across the catalogue"))
    try:
        found = global_explanation(services())
    except (ModelsNotReady, NoCatalogue):
        return [title, html.P(_("The fusion model and its catalogue are needed for this part."))]
    return [
        title,
        html.P(
            _(
                "Not one product but all of them: %(model)s v%(version)s's "
                "explanations averaged over the test split. The text branch's words "
                "are those whose SHAP value pushes hardest towards a category over "
                "that category's products; the photo's regions come from the fast map "
                "(7 x 7 cells of the backbone). A word that names a brand rather than "
                "the product says the model learnt the catalogue's brands.",
                model=found.model,
                version=found.version,
            )
        ),
        words_table(found),
        cells_chart(ID("global-cells"), found),
    ]


def _comparison_table(versions: list[ModelVersion], roles: dict[str, str]) -> html.Div:
    rows = []
    for v in versions:
        m = v.metrics
        rows.append(
            (
                v.name,
                v.version,
                roles.get(v.name, "comparison"),
                pct(m.get("accuracy")),
                pct(m.get("macro_f1")),
                v.params_count,
                num(m.get("latency_ms"), 2),
                num(m.get("ece"), 3),
                DESCRIPTIONS.get(v.name, ""),
            )
        )
    return data_table(
        _("Active model versions on the test split"),
        [
            _("Model"),
            _("Version"),
            _("Role"),
            _("Accuracy"),
            _("Macro-F1"),
            _("Parameters"),
            _("p50 latency (ms)"),
            "ECE",
            _("What it reads"),
        ],
        rows,
        numeric=[False, True, False, True, True, True, True, True, False],
        prose=[8],
    )


def detail(version: ModelVersion) -> list[Any]:
    m = version.metrics
    classes: list[str] = m.get("classes", [])
    matrix: list[list[int]] = m.get("confusion_matrix", [])
    if not classes or not matrix:
        return [
            html.P(
                _(
                    "%(name)s v%(version)s has no test metrics yet: run `vitrine evaluate`.",
                    name=version.name,
                    version=version.version,
                )
            )
        ]
    return [
        # The catalogue browser shows the active fusion's answers: only its counts link there.
        confusion(version, classes, matrix, linked=version.name == PRIMARY and version.is_active),
        per_class(version, classes),
        reliability(version),
    ]


def register_callbacks(app: Dash) -> None:
    review_training.register_callbacks(app)
    shadow_models.register_callbacks(app)

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
            return [html.P(_("This model has no active version."))]
        return detail(versions[name])
