"""The backbone really is ImageNet-pretrained, loads offline, and accepts other local weights."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest
import timm
import torch
from PIL import Image
from skimage import data as skimage_data
from timm.data import ImageNetInfo

from ml.backbone import load_classifier, load_extractor, map_by_order
from ml.backbone_spec import BackboneSpec, WeightsMismatch
from ml.images import to_input


@pytest.fixture(scope="module")
def classifier() -> torch.nn.Module:
    return load_classifier()


def _top3(model: torch.nn.Module, pixels: np.ndarray) -> list[str]:
    image = Image.fromarray(pixels).convert("RGB")
    with torch.no_grad():
        logits = model(torch.from_numpy(to_input(image))[None])
    info = ImageNetInfo()
    return [info.index_to_description(int(i)) for i in logits[0].topk(3).indices]


def test_weights_are_pretrained_on_real_photos(classifier: torch.nn.Module) -> None:
    coffee = _top3(classifier, skimage_data.coffee())
    assert {"espresso", "cup"} & set(coffee), coffee
    camera = _top3(classifier, skimage_data.camera())
    assert "tripod" in camera, camera


def test_mapping_by_order_checks_every_shape() -> None:
    target = OrderedDict(a=torch.zeros(2, 3), b=torch.zeros(4))
    mapped = map_by_order(OrderedDict(x=torch.ones(2, 3), y=torch.ones(4)), target)
    assert list(mapped) == ["a", "b"] and torch.equal(mapped["a"], torch.ones(2, 3))
    with pytest.raises(WeightsMismatch, match="does not fit"):
        map_by_order(OrderedDict(x=torch.ones(3, 2), y=torch.ones(4)), target)
    with pytest.raises(WeightsMismatch, match="tensors"):
        map_by_order(OrderedDict(x=torch.ones(2, 3)), target)


def test_extractor_gives_embedding_and_feature_map() -> None:
    embedding, fmap, stages = load_extractor()(torch.zeros(2, 3, 224, 224))
    assert embedding.shape == (2, 1280)
    assert fmap.shape == (2, 320, 7, 7)
    # the embedding, then stages 4-7 mean-pooled (80+112+192+320) and 5-7 max-pooled
    assert stages.shape == (2, 1280 + 704 + 624)
    assert torch.equal(stages[:, :1280], embedding)


def test_a_local_weights_file_for_another_timm_model(tmp_path: Path) -> None:
    model = timm.create_model("vit_tiny_patch16_224", pretrained=False)
    weights = tmp_path / "vit_tiny.pth"
    torch.save(model.state_dict(), weights)
    spec = BackboneSpec("vit_tiny_patch16_224", weights)
    assert spec.key.startswith("vit_tiny_patch16_224-")
    embedding, fmap, stages = load_extractor(spec)(torch.zeros(1, 3, 224, 224))
    assert torch.equal(stages, embedding)
    assert embedding.shape == (1, 192)
    assert fmap.shape == (1, 192, 14, 14)
    with pytest.raises(WeightsMismatch, match="local weights"):
        load_classifier(BackboneSpec("vit_tiny_patch16_224"))
