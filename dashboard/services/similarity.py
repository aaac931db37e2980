"""Similar products over the fused embedding, built once per catalogue state and process."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import PCA

from dashboard.services.audit import safe_cell
from dashboard.services.state import Services
from dashboard.services.training import backbone_spec, catalogue_data
from db.engine import session_scope
from db.models import Product
from db.repo_catalogue import catalogue_version, products_by_ids
from ml.features import prepare_inputs
from ml.similarity import FusedEmbedder, VectorIndex, build_index


@dataclass(frozen=True)
class CatalogueIndex:
    embedder: FusedEmbedder
    index: VectorIndex
    vectors: np.ndarray  # [N, F] fused embeddings, row-aligned with index.ids (for the map)
    labels: np.ndarray


@dataclass(frozen=True)
class SimilarProduct:
    product: Product
    score: float
    same_category: bool | None


def catalogue_index(services: Services) -> CatalogueIndex:
    """The index of the current catalogue (rebuilt when products change)."""
    with session_scope(services.sessions) as session:
        state = catalogue_version(session)
    settings = services.settings
    spec = backbone_spec(services)
    key = (state, spec.key, settings.similarity_index)

    def build() -> CatalogueIndex:
        data = catalogue_data(services)
        inputs = prepare_inputs(data, settings.artifacts_dir, spec, progress=False)
        embedder = FusedEmbedder().fit(inputs.embeddings, data.texts)
        vectors = embedder.transform(inputs.embeddings, data.texts)
        index = build_index(
            data.ids, vectors, settings.similarity_index, settings.artifacts_dir / "similarity"
        )
        return CatalogueIndex(embedder, index, vectors, data.labels)

    return services.memo.get("similarity", key, build)


def _with_products(
    services: Services,
    neighbours: list,
    category: str | None,
) -> list[SimilarProduct]:
    with session_scope(services.sessions) as session:
        products = products_by_ids(session, [n.id for n in neighbours])
    return [
        SimilarProduct(
            products[n.id],
            n.score,
            None if category is None else products[n.id].category == category,
        )
        for n in neighbours
        if n.id in products
    ]


def similar_to_product(services: Services, product: Product, k: int) -> list[SimilarProduct]:
    built = catalogue_index(services)
    vector = built.index.vector(product.uniq_id)
    if vector is None:
        return []
    neighbours = built.index.search(vector, k, exclude=product.uniq_id)
    return _with_products(services, neighbours, product.category)


def similar_to_upload(
    services: Services,
    embedding: np.ndarray,
    text: str | None,
    category: str | None,
    k: int,
    *,
    exclude: str | None = None,
) -> list[SimilarProduct]:
    """Catalogue products nearest a predicted photo and text; `exclude`: the catalogue product
    that was predicted, which is otherwise its own nearest neighbour."""
    built = catalogue_index(services)
    vector = built.embedder.transform(embedding[None], [text])[0]
    return _with_products(services, built.index.search(vector, k, exclude=exclude), category)


@dataclass(frozen=True)
class CatalogueMap:
    """Catalogue products projected to two dimensions (PCA of the fused embedding)."""

    ids: list[str]
    labels: np.ndarray
    points: np.ndarray  # [N, 2]
    names: dict[str, str]  # product id -> product name, for hover text


def catalogue_map(services: Services, max_points: int) -> CatalogueMap:
    """At most `max_points` products (a fixed sample past it), so the map stays light."""
    built = catalogue_index(services)
    chosen = np.arange(len(built.vectors))
    if len(chosen) > max_points:
        chosen = np.sort(np.random.default_rng(0).choice(chosen, max_points, replace=False))
    points = PCA(n_components=2, random_state=0).fit_transform(built.vectors[chosen])
    ids = [built.index.ids[i] for i in chosen]
    with session_scope(services.sessions) as session:
        names = {pid: p.product_name for pid, p in products_by_ids(session, ids).items()}
    return CatalogueMap(ids, built.labels[chosen], points, names)


SELECTION_COLUMNS = ["uniq_id", "product_name", "category", "split", "component_1", "component_2"]


@dataclass(frozen=True)
class MapPoint:
    product_id: str
    x: float
    y: float


def selected_products(services: Services, points: list[MapPoint]) -> list[tuple[Product, MapPoint]]:
    """The catalogue products behind points selected on the map, in the map's order."""
    with session_scope(services.sessions) as session:
        products = products_by_ids(session, [point.product_id for point in points])
    return [(products[p.product_id], p) for p in points if p.product_id in products]


def selection_csv(selected: list[tuple[Product, MapPoint]]) -> str:
    """The selection as CSV; names that a spreadsheet would run as formulas are quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SELECTION_COLUMNS)
    for product, point in selected:
        writer.writerow(
            [
                product.uniq_id,
                safe_cell(product.product_name),
                product.category,
                product.split,
                round(point.x, 4),
                round(point.y, 4),
            ]
        )
    return buffer.getvalue()
