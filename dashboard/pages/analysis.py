"""Bivariate analysis: any two product variables, per category, with a plain reading."""

from __future__ import annotations

from typing import Any

from dash import Dash, html

from dashboard.components.cards import notice
from dashboard.components.formats import sentence_case
from dashboard.components.forms import field, get_form
from dashboard.figures.analysis import scatter_chart
from dashboard.services.analysis import VARIABLES, analysis_frame
from dashboard.web.context import services
from dashboard.web.i18n import N_, _

PATH = "/analysis"
ROLE: str | None = "viewer"
TITLE = N_("Bivariate analysis · Vitrine")
DESCRIPTION = N_(
    "Relate two product variables (prices, text length, rating, brightness, confidence)."
)
NAV_LABEL = N_("Analysis")
ORDER = 40


def _select(name: str, label: str, current: str) -> html.Div:
    options = [
        html.Option(sentence_case(text), value=key, selected=key == current)
        for key, text in VARIABLES.items()
    ]
    select = html.Select(
        id=f"analysis-{name}", name=name, className="form-select", children=options
    )
    return field(label, select, f"analysis-{name}", in_grid=True)


def layout(x: str = "retail_price", y: str = "discounted_price", **_query: str) -> html.Div:
    x = x if x in VARIABLES else "retail_price"
    y = y if y in VARIABLES else "discounted_price"
    children: list[Any] = [
        html.H1(_("Bivariate analysis")),
        get_form(
            action=PATH,
            title=_("Variables"),
            title_id="analysis-form-title",
            fields=[_select("x", _("Horizontal axis"), x), _select("y", _("Vertical axis"), y)],
            submit=_("Show"),
            wide=True,
        ),
    ]
    frame = analysis_frame(services())
    pairs = frame[["uniq_id", "category", x, y]].dropna()
    if len(pairs) < 3:
        children.append(
            notice(
                _("Not enough data"),
                _(
                    "Fewer than 3 products have both values; "
                    "prediction confidence needs predictions of catalogue products "
                    "(`vitrine predict`)."
                ),
            )
        )
        return html.Div(children)
    children.append(scatter_chart(pairs, x, y))
    return html.Div(children)


def register_callbacks(app: Dash) -> None:
    """No callbacks: the form reloads the page with the chosen variables."""
