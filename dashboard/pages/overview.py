"""Dataset & architecture: what is in the catalogue, how the models see it, what is trained."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.components.aria import aria
from dashboard.components.cards import kpi_cards, notice
from dashboard.components.charts import PALETTE, base_layout, chart
from dashboard.components.products import product_image_url, thumbnail
from dashboard.components.tables import data_table
from dashboard.services.quality import quality_report
from dashboard.web.context import services
from db.models import ModelVersion, Product
from db.repo_catalogue import catalogue_rows, sample_products
from db.repo_models import list_model_versions
from ml.splits import SPLITS

log = logging.getLogger(__name__)

PATH = "/"
ROLE: str | None = "viewer"
TITLE = "Dataset & architecture · Vitrine"
DESCRIPTION = "The product catalogue by category and split, and the models trained on it."
NAV_LABEL = "Overview"
ORDER = 0

EMPTY_HELP = (
    "Load a catalogue with `vitrine data ingest flipkart_com-ecommerce_sample_1050.csv "
    "--images Images/`, or build and load the demo catalogue with `vitrine demo`."
)
ARCHITECTURE_TEXT = [
    "Each product has a photo and a text (its name and description). The photo goes through "
    "EfficientNet-Lite0, an image network pretrained on ImageNet and kept frozen, which turns "
    "it into a 1,280-number embedding. The text becomes TF-IDF weights over words and word "
    "pairs.",
    "The late fusion head, the primary model, reads both and scores the 7 categories. When a "
    "product has no text, an image-only Vision Transformer over the backbone's feature map "
    "answers instead, and the prediction says so.",
    "Scores are calibrated into probabilities (temperature scaling), so a confidence of 80% is "
    "right about 80% of the time. Each prediction is recorded in the audit trail, and can be "
    "explained (SHAP), compared with similar products, and watched for drift.",
]


def layout(**_query: str) -> html.Div:
    try:
        with services().sessions() as session:
            rows = catalogue_rows(session)
            samples = sample_products(session, per_category=1)
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

    children: list[Any] = [html.H1("Dataset & architecture")]
    if not rows:
        children.append(notice("The catalogue is empty", EMPTY_HELP))
    else:
        frame = pd.DataFrame(rows)
        children += [
            _key_figures(frame),
            html.H2("The catalogue"),
            _category_chart(frame),
            _description_chart(frame),
            _price_chart(frame),
            html.H2("Sample products"),
            _gallery(samples),
            html.H2("Data quality"),
            _quality(),
        ]
    children += [html.H2("Architecture"), _architecture()]
    children += [html.H2("Model versions"), _versions(versions)]
    return html.Div(children)


def _key_figures(frame: pd.DataFrame) -> html.Ul:
    per_split = frame["split"].value_counts()
    return kpi_cards(
        [
            ("products", f"{len(frame):,}"),
            ("categories", str(frame["category"].nunique())),
            *((f"{split} split", f"{int(per_split.get(split, 0)):,}") for split in SPLITS),
        ],
        label="Catalogue key figures",
    )


def _category_chart(frame: pd.DataFrame) -> html.Figure:
    counts = frame["category"].value_counts().sort_values()
    total = int(counts.sum())
    fig = go.Figure(
        go.Bar(
            x=counts.values,
            y=counts.index,
            orientation="h",
            marker_color=PALETTE[0],
            text=[f"{n:,}" for n in counts.values],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x} products<extra></extra>",
        )
    )
    base_layout(fig, height=60 + 38 * len(counts))
    fig.update_xaxes(title_text="Products")
    largest, smallest = counts.index[-1], counts.index[0]
    if counts.iloc[-1] == counts.iloc[0]:
        summary = f"All {len(counts)} categories hold {counts.iloc[0]:,} products each."
    else:
        summary = (
            f"{largest} is the largest category with {counts.iloc[-1]:,} products; "
            f"{smallest} the smallest with {counts.iloc[0]:,}."
        )
    per_split = frame.groupby(["category", "split"]).size().unstack(fill_value=0)
    table_rows = [
        (
            category,
            int(counts[category]),
            f"{counts[category] / total:.1%}",
            *(int(per_split.loc[category].get(s, 0)) for s in SPLITS),
        )
        for category in counts.index[::-1]
    ]
    return chart(
        "overview-categories",
        "Products per category",
        summary,
        fig,
        ["Category", "Products", "Share", *(f"{s.title()}" for s in SPLITS)],
        table_rows,
        numeric=[False, True, True, True, True, True],
    )


def _box_by_category(frame: pd.DataFrame, column: str, label: str, log_x: bool) -> go.Figure:
    """Boxes drawn from quartiles computed here: the figure holds five numbers per category
    rather than every product's value, so it stays small however large the catalogue."""
    fig = go.Figure()
    for index, (category, group) in enumerate(sorted(frame.groupby("category"))):
        values = group[column].dropna()
        if values.empty:
            continue
        q1, median, q3 = values.quantile([0.25, 0.5, 0.75])
        reach = 1.5 * (q3 - q1)  # whiskers end at the furthest value within 1.5 IQR, as Plotly's
        fig.add_trace(
            go.Box(
                y=[category],
                q1=[q1],
                median=[median],
                q3=[q3],
                lowerfence=[values[values >= q1 - reach].min()],
                upperfence=[values[values <= q3 + reach].max()],
                name=category,
                marker_color=PALETTE[index % len(PALETTE)],
                orientation="h",
                hoverinfo="x+name",
            )
        )
    base_layout(fig, height=80 + 40 * frame["category"].nunique())
    fig.update_xaxes(title_text=label, type="log" if log_x else "linear")
    return fig


def _quantile_rows(frame: pd.DataFrame, column: str) -> list[tuple[Any, ...]]:
    stats = frame.groupby("category")[column].describe(percentiles=[0.5])
    return [
        (category, int(row["count"]), row["min"], row["50%"], row["max"])
        for category, row in stats.iterrows()
    ]


def _description_chart(frame: pd.DataFrame) -> html.Figure:
    lengths = frame.assign(description_length=frame["description_length"].fillna(0))
    medians = lengths.groupby("category")["description_length"].median().sort_values()
    empty = int((lengths["description_length"] == 0).sum())
    summary = (
        f"Median description length ranges from {medians.iloc[0]:,.0f} characters "
        f"({medians.index[0]}) to {medians.iloc[-1]:,.0f} ({medians.index[-1]}). "
        f"{empty:,} products have no description; the image-only fallback serves them."
    )
    return chart(
        "overview-description-length",
        "Description length by category",
        summary,
        _box_by_category(lengths, "description_length", "Characters", log_x=False),
        ["Category", "Products", "Shortest", "Median", "Longest"],
        _quantile_rows(lengths, "description_length"),
        numeric=[False, True, True, True, True],
    )


def _price_chart(frame: pd.DataFrame) -> html.Figure:
    prices = frame.dropna(subset=["discounted_price"])
    prices = prices[prices["discounted_price"] > 0]
    medians = prices.groupby("category")["discounted_price"].median().sort_values()
    summary = (
        f"Median selling price runs from Rs. {medians.iloc[0]:,.0f} ({medians.index[0]}) to "
        f"Rs. {medians.iloc[-1]:,.0f} ({medians.index[-1]}); the axis is logarithmic."
        if len(medians)
        else "No product has a price."
    )
    return chart(
        "overview-prices",
        "Selling price by category",
        summary,
        _box_by_category(prices, "discounted_price", "Selling price (Rs., log scale)", True),
        ["Category", "Products", "Lowest (Rs.)", "Median (Rs.)", "Highest (Rs.)"],
        _quantile_rows(prices, "discounted_price"),
        numeric=[False, True, True, True, True],
    )


def _gallery(samples: list[Product]) -> html.Ul:
    return html.Ul(
        className="gallery",
        children=[
            html.Li(
                html.Figure(
                    [
                        thumbnail(p, 160, class_name=None),
                        html.Figcaption([html.Strong(p.category), html.Br(), p.product_name]),
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
                "Image features are not computed yet: ",
                html.Code("vitrine data check"),
                " (or ",
                html.Code("vitrine train"),
                ") computes them.",
            ]
        )
    pairs = report.pairs[:10]
    summary = html.P(
        f"{len(report.exact)} exact duplicate pairs (same image bytes), {len(report.near)} "
        f"near duplicates (image similarity at least {report.threshold:.2f}), and "
        f"{len(report.leaky)} leaky pairs, duplicates whose two products sit in training or "
        "validation and in test, which make test scores look better than they are."
    )
    if not pairs:
        return summary

    def thumb(product_id: str) -> html.Img:
        return html.Img(
            src=product_image_url(product_id),
            width=64,
            height=64,
            alt=f"Product {product_id}",
            className="pair__img",
        )

    rows = [
        html.Tr(
            [
                html.Th(scope="row", children=[thumb(p.a), html.Br(), html.Code(p.a[:12])]),
                html.Td([thumb(p.b), html.Br(), html.Code(p.b[:12])]),
                html.Td("identical" if p.exact else f"{p.similarity:.3f}", className="num"),
                html.Td("⚠ yes, train/test" if p.leaky else "no"),
            ]
        )
        for p in pairs
    ]
    return html.Div(
        [
            summary,
            html.Div(
                className="table-scroll",
                tabIndex="0",
                role="region",
                **aria(label="Most similar product pairs"),
                children=html.Table(
                    className="table table-sm data-table",
                    children=[
                        html.Caption(f"The {len(pairs)} most similar pairs"),
                        html.Thead(
                            html.Tr(
                                [
                                    html.Th("Product", scope="col"),
                                    html.Th("Its duplicate", scope="col"),
                                    html.Th("Similarity", scope="col", className="num"),
                                    html.Th("Leaky", scope="col"),
                                ]
                            )
                        ),
                        html.Tbody(rows),
                    ],
                ),
            ),
        ]
    )


def _architecture() -> html.Figure:
    return html.Figure(
        className="architecture",
        children=[
            html.Img(
                src="/assets/architecture.svg",
                alt=(
                    "Pipeline: product photo to EfficientNet-Lite0, name and description to "
                    "TF-IDF; both feed the late fusion head, the ViT fallback reads the image "
                    "only; calibrated probabilities give the category and audit row, and feed "
                    "SHAP, similar products and drift. Described in full below."
                ),
                className="architecture__img",
            ),
            html.Figcaption([html.P(text) for text in ARCHITECTURE_TEXT]),
        ],
    )


def _versions(versions: list[ModelVersion]) -> html.Div | html.P:
    if not versions:
        return html.P(["No model is trained yet: ", html.Code("vitrine train"), " trains them."])
    return data_table(
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


def register_callbacks(app: Dash) -> None:
    """No callbacks: the page is rendered from the database on each visit."""
