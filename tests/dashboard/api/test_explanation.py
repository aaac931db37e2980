"""GET /api/predictions/{id}/explanation on a real recorded prediction."""

from __future__ import annotations

import io
import math

from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from dashboard.web.app import create_app
from dashboard.web.context import services as services_of


def test_explanation_of_a_recorded_prediction(trained_settings: Settings) -> None:
    app = create_app(trained_settings)
    client = app.test_client()
    data = catalogue_data(services_of(app))
    i = int(data.index("test")[0])
    predicted = client.post(
        "/api/predict",
        data={
            "image": (io.BytesIO(data.image_paths[i].read_bytes()), "p.jpg"),
            "text": data.texts[i] or "product",
        },
    ).get_json()
    url = f"/api/predictions/{predicted['prediction_id']}/explanation"
    body = client.get(url).get_json()
    image = body["image"]
    assert body["target"] == predicted["category"] and image["mode"] == "cells"
    grid = image["grid"]
    assert len(grid) == 7 and all(len(row) == 7 for row in grid)
    total = image["base_value"] + sum(map(sum, grid))
    assert abs(total - image["output_value"]) < 1e-4  # the attributions add up
    # ...to the log-odds of the served probability, up to the int8 backbone's rounding of the
    # cell features.
    assert abs(1 / (1 + math.exp(-total)) - body["probabilities"][body["target"]]) < 0.02
    assert abs(sum(image["quadrant_shares"].values()) - 1) < 1e-6
    assert body["text"]["tokens"] and image["summary"].startswith("The ")

    other = next(c for c in body["probabilities"] if c != body["target"])
    chosen = client.get(f"{url}?target={other}").get_json()
    assert chosen["target"] == other

    pixels = client.get(f"{url}?mode=pixels&max_evals=100").get_json()
    assert pixels["image"]["mode"] == "pixels"

    assert client.get(f"{url}?mode=fast").status_code == 422
    assert client.get(f"{url}?target=Toys").status_code == 422
    assert client.get("/api/predictions/99999999/explanation").status_code == 404
