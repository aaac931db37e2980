"""GET /api/products/{id}/similar: ordered, the product itself excluded, k validated."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from dashboard.web.app import create_app
from dashboard.web.context import services as services_of
from tests.dashboard.api.dash_routing import route_page


def test_similar_products(trained_settings: Settings) -> None:
    app = create_app(trained_settings)
    client = app.test_client()
    product_id = catalogue_data(services_of(app)).ids[3]
    body = client.get(f"/api/products/{product_id}/similar?k=5").get_json()
    neighbours = body["neighbours"]
    assert body["k"] == 5 and len(neighbours) == 5
    assert product_id not in [n["uniq_id"] for n in neighbours]
    scores = [n["score"] for n in neighbours]
    assert scores == sorted(scores, reverse=True)
    assert all(-1 <= s <= 1 for s in scores)
    assert all(n["same_category"] == (n["category"] == body["category"]) for n in neighbours)
    assert neighbours[0]["image_url"].endswith("/image")

    for bad in ("0", "51", "abc", "-1"):
        response = client.get(f"/api/products/{product_id}/similar?k={bad}")
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "invalid_k"
    assert client.get("/api/products/unknown/similar").status_code == 404


def test_hnsw_index_serves_the_same_neighbours_on_a_small_catalogue(
    trained_settings: Settings,
) -> None:
    """VITRINE_SIMILARITY_INDEX=hnsw: the graph, searched wider than the catalogue, is exact."""
    exact = create_app(trained_settings).test_client()
    graph = create_app(trained_settings.model_copy(update={"similarity_index": "hnsw"}))
    product_ids = catalogue_data(services_of(graph)).ids[:5]
    for product_id in product_ids:
        url = f"/api/products/{product_id}/similar?k=8"
        want = exact.get(url).get_json()["neighbours"]
        got = graph.test_client().get(url).get_json()["neighbours"]
        assert [n["uniq_id"] for n in got] == [n["uniq_id"] for n in want]
        assert [n["score"] for n in got] == pytest.approx([n["score"] for n in want], abs=1e-5)


def test_what_a_visitor_typed_is_shown_as_text_never_as_a_link(
    trained_settings: Settings,
) -> None:
    client = create_app(trained_settings).test_client()
    typed = "[Sign in again](https://evil.example/login)"
    shown = route_page(client, "/similar", f"?product={quote(typed)}")
    assert "Unknown product" in shown
    assert typed in shown  # kept as typed in the id field, so the visitor sees what happened
    assert "Markdown" not in shown and '"href"' not in shown  # no component makes it a link
