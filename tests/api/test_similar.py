"""GET /api/products/{id}/similar: ordered, the product itself excluded, k validated."""

from __future__ import annotations

from dashboard.app import create_app
from dashboard.services import services as services_of
from dashboard.settings import Settings
from dashboard.training import catalogue_data


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
