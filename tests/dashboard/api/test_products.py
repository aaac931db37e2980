"""GET /api/products (search), /api/products/{id} and its image."""

from __future__ import annotations

import pytest

from dashboard.services.ingest import ingest_catalogue
from dashboard.web.context import services as services_of
from tests.catalogue_helpers import quirks_catalogue

CURTAIN = "55b85ea15a1536d46b7190ad6fff8ce7"


@pytest.fixture
def loaded_client(app, tmp_path):  # type: ignore[no-untyped-def]
    csv_path, images = quirks_catalogue(tmp_path / "src")
    ingest_catalogue(services_of(app), csv_path, images, progress=False)
    return app.test_client()


def test_product_fields(loaded_client) -> None:  # type: ignore[no-untyped-def]
    response = loaded_client.get(f"/api/products/{CURTAIN}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["uniq_id"] == CURTAIN
    assert body["category"] == "Home Furnishing"
    assert body["split"] in {"train", "validation", "test"}
    assert body["retail_price"] == 1899.0
    assert body["product_rating"] is None
    assert body["image_url"] == f"/api/products/{CURTAIN}/image"


def test_image_is_served_with_caching_headers(loaded_client) -> None:  # type: ignore[no-untyped-def]
    response = loaded_client.get(f"/api/products/{CURTAIN}/image")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.data[:2] == b"\xff\xd8"
    assert "max-age" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = loaded_client.get(f"/api/products/{CURTAIN}/image", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_unknown_product_is_404_json(loaded_client) -> None:  # type: ignore[no-untyped-def]
    response = loaded_client.get("/api/products/ffffffffffffffffffffffffffffffff")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "product_not_found"


@pytest.mark.parametrize(
    "bad_id", ["..%2F..%2Fetc%2Fpasswd", "a%20b", "x" * 65, "%2e%2e", "id;DROP%20TABLE"]
)
def test_malformed_ids_never_reach_a_path(loaded_client, bad_id: str) -> None:  # type: ignore[no-untyped-def]
    for suffix in ("", "/image"):
        response = loaded_client.get(f"/api/products/{bad_id}{suffix}")
        assert response.status_code in {400, 404}
        assert response.is_json
        assert response.get_json()["error"]["code"] in {"invalid_product_id", "not_found"}


def test_search_finds_products_by_name_brand_or_id(loaded_client) -> None:  # type: ignore[no-untyped-def]
    towels = loaded_client.get("/api/products?q=cotton%20TOWEL").get_json()
    assert towels["total"] == 2 and {i["name"] for i in towels["items"]} == {
        "Sathiyas Cotton Bath Towel",
        "Eurospa Cotton Terry Face Towel Set",
    }
    assert all(i["image_url"] == f"/api/products/{i['uniq_id']}/image" for i in towels["items"])
    assert loaded_client.get("/api/products?q=elegance").get_json()["items"][0]["uniq_id"] == (
        CURTAIN
    )
    by_id = loaded_client.get(f"/api/products?q={CURTAIN[:8]}").get_json()
    assert [i["uniq_id"] for i in by_id["items"]] == [CURTAIN]
    everything = loaded_client.get("/api/products?limit=1&offset=1").get_json()
    assert everything["total"] == 3 and len(everything["items"]) == 1
    assert everything["limit"] == 1 and everything["offset"] == 1
    furnishing = loaded_client.get("/api/products?category=Home%20Furnishing").get_json()
    assert 0 < furnishing["total"] < everything["total"]
    assert {i["category"] for i in furnishing["items"]} == {"Home Furnishing"}


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=101", "offset=-1", "category=Shoes", "split=holdout", "colour=red",
     "q=" + "x" * 201],
)  # fmt: skip
def test_a_search_that_is_not_valid_is_a_422(loaded_client, query: str) -> None:  # type: ignore[no-untyped-def]
    answer = loaded_client.get(f"/api/products?{query}")
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "invalid_query"
