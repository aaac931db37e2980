"""With a local timm ViT weights file, the vit fallback probes that ViT, on its own backbone."""

from __future__ import annotations

from pathlib import Path

import timm
import torch

from dashboard.services.ingest import ingest_catalogue
from dashboard.services.prediction import predictor_for
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data, train
from dashboard.web.resources import migrations_dir
from db import migrations
from ml.demo.catalogue import generate
from tests.conftest import make_settings


def test_vit_weights_file_becomes_the_fallback(tmp_path: Path) -> None:
    weights = tmp_path / "vit_tiny.pth"
    torch.save(timm.create_model("vit_tiny_patch16_224", pretrained=False).state_dict(), weights)
    url = f"sqlite:///{tmp_path / 'vit.db'}"
    migrations.upgrade(url, migrations_dir())
    settings = make_settings(tmp_path, url, vit_weights=weights, vit_model="vit_tiny_patch16_224")
    services = Services.from_settings(settings)
    csv_path = generate(tmp_path / "demo", per_category=8, seed=5, progress=False)
    ingest_catalogue(services, csv_path, tmp_path / "demo/Images", progress=False)
    outcomes = train(services, ["fusion", "vit"], progress=False, report=lambda _: None)
    assert {o.name for o in outcomes} == {"fusion", "vit"}

    predictor = predictor_for(services)
    assert predictor.fallback.meta.serving == "vit-embedding"
    assert predictor.fallback.meta.backbone_key.startswith("vit_tiny_patch16_224-")
    assert predictor.vit_backbone is not None
    data = catalogue_data(services)
    image = data.image_paths[0].read_bytes()
    fallback = predictor.predict(image, "")
    assert fallback.model == "vit" and fallback.fallback
    assert abs(sum(fallback.probabilities.values()) - 1) < 1e-5
    fused = predictor.predict(image, data.texts[0] or "product")
    assert fused.model == "fusion" and fused.embedding.shape == (1280,)
