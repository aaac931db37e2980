"""Dataset & architecture: what is in the catalogue, how the models see it, what is trained."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import Dash, html

from dashboard.components.cards import kpi_cards, notice
from dashboard.components.products import product_image_url, thumbnail
from dashboard.components.tables import data_table, table_region
from dashboard.figures.overview import (
    architecture,
    category_chart,
    description_chart,
    price_chart,
)
from dashboard.services.quality import quality_report
from dashboard.web.context import services
from dashboard.web.i18n import N_, _, category_label, decimal, number
from db.models import ModelVersion, Product
from db.repo_catalogue import catalogue_rows, sample_products
from db.repo_models import list_model_versions
from ml.splits import SPLITS

PATH = "/"
ROLE: str | None = "viewer"
TITLE = N_("Dataset & architecture · Vitrine")
DESCRIPTION = N_("The product catalogue by category and split, and the models trained on it.")
NAV_LABEL = N_("Overview")
ORDER = 0

EMPTY_HELP = N_(
    "Load a catalogue with `vitrine data ingest flipkart_com-ecommerce_sample_1050.csv "
    "--images Images/`, or build and load the demo catalogue with `vitrine demo`."
)


def layout(**_query: str) -> html.Div:
    with services().sessions() as session:
        rows = catalogue_rows(session)
        samples = sample_products(session, per_category=1)
        versions = list_model_versions(session)

    children: list[Any] = [html.H1(_("Dataset & architecture"))]
    if not rows:
        children.append(notice(_("The catalogue is empty"), _(EMPTY_HELP)))
    else:
        # Category names are translated for display; the data keeps the canonical ones.
        frame = pd.DataFrame(rows).assign(category=lambda f: f["category"].map(category_label))
        children += [
            _key_figures(frame),
            html.H2(_("The catalogue")),
            category_chart(frame),
            description_chart(frame),
            price_chart(frame),
            html.H2(_("Sample products")),
            _gallery(samples),
            html.H2(_("Data quality")),
            _quality(),
        ]
    children += [html.H2(_("Architecture")), architecture()]
    children += [html.H2(_("Model versions")), _versions(versions)]
    return html.Div(children)


def _key_figures(frame: pd.DataFrame) -> html.Ul:
    per_split = frame["split"].value_counts()
    return kpi_cards(
        [
            (_("products"), number(len(frame))),
            (_("categories"), number(frame["category"].nunique())),
            *(
                (_("%(split)s split", split=_(split)), number(int(per_split.get(split, 0))))
                for split in SPLITS
            ),
        ],
        label=_("Catalogue key figures"),
    )


def _gallery(samples: list[Product]) -> html.Ul:
    return html.Ul(
        className="gallery",
        children=[
            html.Li(
                html.Figure(
                    [
                        thumbnail(p, 160, class_name=None),
                        html.Figcaption(
                            [html.Strong(category_label(p.category)), html.Br(), p.product_name]
                        ),
                    ]
                ),
                className="gallery__item",
            )
            for p in samples
        ],
    )


def _quality() -> Any:
    report = quality_report(services(), compute=False)
    if report is None:
        return html.P(
            [
                _("Image features are not computed yet: "),
                html.Code("vitrine data check"),
                _(" (or "),
                html.Code("vitrine train"),
                _(") computes them."),
            ]
        )
    pairs = report.pairs[:10]
    summary = html.P(
        _(
            "%(count)s exact duplicate pairs (same image bytes), %(count2)s near "
            "duplicates (image similarity at least %(threshold)s), and %(count3)s "
            "leaky pairs, duplicates whose two products sit in training or "
            "validation and in test, which make test scores look better than they "
            "are.",
            count=len(report.exact),
            count2=len(report.near),
            threshold=decimal(report.threshold, 2),
            count3=len(report.leaky),
        )
    )
    if not pairs:
        return summary

    def thumb(product_id: str) -> html.Img:
        return html.Img(
            src=product_image_url(product_id),
            width=64,
            height=64,
            alt=_(
                "Product %(product_id)s",
                product_id=product_id,
            ),
            className="pair__img",
        )

    rows = [
        html.Tr(
            [
                html.Th(scope="row", children=[thumb(p.a), html.Br(), html.Code(p.a[:12])]),
                html.Td([thumb(p.b), html.Br(), html.Code(p.b[:12])]),
                html.Td(_("identical") if p.exact else decimal(p.similarity, 3), className="num"),
                html.Td(_("⚠ yes, train/test") if p.leaky else _("no")),
            ]
        )
        for p in pairs
    ]
    return html.Div(
        [
            summary,
            table_region(
                _(
                    "The %(count)s most similar pairs",
                    count=len(pairs),
                ),
                [
                    html.Th(_("Product"), scope="col"),
                    html.Th(_("Its duplicate"), scope="col"),
                    html.Th(_("Similarity"), scope="col", className="num"),
                    html.Th(_("Leaky"), scope="col"),
                ],
                rows,
                label=_("Most similar product pairs"),
            ),
        ]
    )


def _versions(versions: list[ModelVersion]) -> html.Div | html.P:
    if not versions:
        return html.P(
            [_("No model is trained yet: "), html.Code("vitrine train"), _(" trains them.")]
        )
    return data_table(
        _("Trained model versions"),
        [_("Model"), _("Version"), _("Active"), _("Accuracy"), _("Macro-F1")],
        [
            (
                mv.name,
                mv.version,
                "yes" if mv.is_active else "no",
                mv.metrics.get("accuracy"),
                mv.metrics.get("macro_f1"),
            )
            for mv in versions
        ],
        numeric=[False, True, False, True, True],
    )


def register_callbacks(app: Dash) -> None:
    """No callbacks: the page is rendered from the database on each visit."""
