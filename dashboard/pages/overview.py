"""Dataset & architecture: what is in the catalogue and which models are trained."""

from __future__ import annotations

import logging

from dash import Dash, html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.components.cards import kpi_cards, notice
from dashboard.components.tables import data_table
from dashboard.services import services
from db.repo_catalogue import count_by_category, count_by_split, count_products
from db.repo_models import list_model_versions

log = logging.getLogger(__name__)

PATH = "/"
TITLE = "Dataset & architecture · Vitrine"
DESCRIPTION = "The product catalogue by category and split, and the models trained on it."
NAV_LABEL = "Overview"
ORDER = 0

EMPTY_HELP = (
    "Load a catalogue with `vitrine data ingest flipkart_com-ecommerce_sample_1050.csv "
    "--images Images/`, or build and load the demo catalogue with `vitrine demo`."
)


def layout(**_query: str) -> html.Div:
    try:
        with services().sessions() as session:
            total = count_products(session)
            per_category = count_by_category(session)
            per_split = count_by_split(session)
            versions = list_model_versions(session)
    except SQLAlchemyError as exc:
        log.warning("overview: database not ready: %s", exc.__class__.__name__)
        return html.Div(
            [
                html.H1("Dataset & architecture"),
                notice(
                    "The database is not ready",
                    "Vitrine could not read its tables. Run `vitrine db upgrade` to create "
                    "them, then reload this page.",
                    kind="error",
                ),
            ]
        )

    children: list = [html.H1("Dataset & architecture")]
    if total == 0:
        children.append(notice("The catalogue is empty", EMPTY_HELP))
    else:
        children += [
            kpi_cards(
                [
                    ("products", f"{total:,}"),
                    ("categories", str(len(per_category))),
                    *((f"{split} split", f"{per_split.get(split, 0):,}") for split in SPLITS),
                ],
                label="Catalogue key figures",
            ),
            html.H2("Products per category"),
            data_table(
                "Products per category",
                ["Category", "Products", "Share"],
                [(c, n, f"{n / total:.1%}") for c, n in per_category.items()],
                numeric=[False, True, True],
            ),
        ]
    children.append(html.H2("Model versions"))
    if versions:
        children.append(
            data_table(
                "Trained model versions",
                ["Model", "Version", "Active", "Accuracy", "Macro-F1"],
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
        )
    else:
        children.append(
            html.P(["No model is trained yet: ", html.Code("vitrine train"), " trains them."])
        )
    return html.Div(children)


SPLITS = ("train", "validation", "test")


def register_callbacks(app: Dash) -> None:
    """No callbacks yet: the page is rendered from the database on each visit."""
