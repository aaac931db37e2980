"""Export the backbone and the serving heads to ONNX (dynamic batch), for ONNX Runtime."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

OPSET = 17


def export(
    module: nn.Module,
    example: tuple[torch.Tensor, ...],
    input_names: list[str],
    output_names: list[str],
    path: Path,
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.onnx")
    dynamic = {name: {0: "batch"} for name in [*input_names, *output_names]}
    module.eval()
    with torch.no_grad():
        # The TorchScript-based exporter: stable for these small static graphs.
        torch.onnx.export(
            module,
            example,
            str(tmp),
            input_names=input_names,
            output_names=output_names,
            dynamic_axes=dynamic,
            opset_version=OPSET,
            dynamo=False,
        )
    tmp.replace(path)
    return path


def export_backbone(extractor: nn.Module, path: Path, size: int = 224) -> Path:
    example = (torch.zeros(1, 3, size, size),)
    return export(extractor, example, ["image"], ["embedding", "fmap"], path)
