"""The Predict and Similar pages find catalogue products by name and link each to its views."""

from __future__ import annotations

from flask import Flask

from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from dashboard.web.app import create_app
from dashboard.web.context import services as services_of
from tests.dashboard.api.dash_routing import route_page


def test_search_results_link_each_product_to_its_views(trained_settings: Settings) -> None:
    app: Flask = create_app(trained_settings)
    client = app.test_client()
    data = catalogue_data(services_of(app))
    uid = data.ids[0]
    answer = client.post("/api/predict", json={"product_id": uid})
    assert answer.status_code == 200
    pid = answer.get_json()["prediction_id"]

    shown = route_page(client, "/predict", f"?q={uid}")  # its whole id: it comes first
    assert "1 product match" in shown
    for href in (
        f"/predict?product={uid}",  # use it here
        f"/similar?product={uid}",
        f"/explain?prediction={pid}",  # its latest prediction
    ):
        assert href in shown, href
    on_similar = route_page(client, "/similar", f"?q={uid[:10]}")
    assert f"/similar?product={uid}" in on_similar and f"/predict?product={uid}" in on_similar
    missing = route_page(client, "/similar", "?q=zzzz-no-such-product")
    assert "No product matches" in missing
    assert "Find a catalogue product" in route_page(client, "/predict")  # the form, always


def test_similar_product_cards_link_to_predict_similar_and_explain(
    trained_settings: Settings,
) -> None:
    app: Flask = create_app(trained_settings)
    client = app.test_client()
    data = catalogue_data(services_of(app))
    focus = data.ids[1]
    shown = route_page(client, "/similar", f"?product={focus}")
    cards = shown.split("Embeddings map", 1)[0]  # the neighbours' cards, not the map below
    neighbour = next(uid for uid in data.ids if uid != focus and f"/similar?product={uid}" in cards)
    assert f"/predict?product={neighbour}" in cards
    answer = client.post("/api/predict", json={"product_id": neighbour})
    pid = answer.get_json()["prediction_id"]
    cards = route_page(client, "/similar", f"?product={focus}").split("Embeddings map", 1)[0]
    assert f"/explain?prediction={pid}" in cards  # once it has a prediction, it can be explained
    assert "Explain the latest prediction of" in cards
