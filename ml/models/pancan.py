"""`pancan_lite`: grid cells over the feature map, context over the cell graph, multi-scale.

PanCANLite pools the backbone's feature map into a 4x5 grid of cells, lets each cell gather
context from its neighbours over the grid graph for two orders (one hop, then two), and fuses
that with coarser views of the image (2x2 cells and the whole image) before classifying.
"""

from __future__ import annotations

from typing import cast

import torch
from torch import nn

from ml.models.inputs import ModelInputs
from ml.models.torch_head import FeatureMapHeadClassifier


def grid_adjacency(rows: int, cols: int) -> torch.Tensor:
    """Row-normalised 4-neighbourhood adjacency of a rows x cols grid, self-loops included."""
    size = rows * cols
    adjacency = torch.eye(size)
    for r in range(rows):
        for c in range(cols):
            for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                rr, cc = r + dr, c + dc
                if 0 <= rr < rows and 0 <= cc < cols:
                    adjacency[r * cols + c, rr * cols + cc] = 1.0
    return adjacency / adjacency.sum(dim=1, keepdim=True)


class PanCANLite(nn.Module):
    input_scale: torch.Tensor  # buffers, typed for mypy
    adjacency: torch.Tensor

    def __init__(
        self,
        channels: int,
        n_classes: int,
        grid: tuple[int, int] = (4, 5),
        dim: int = 128,
        orders: int = 2,
        dropout: float = 0.2,
        input_scale: float = 1.0,
    ) -> None:
        super().__init__()
        self.grid = grid
        self.register_buffer("input_scale", torch.tensor(input_scale, dtype=torch.float32))
        self.register_buffer("adjacency", grid_adjacency(*grid))
        self.cell = nn.Sequential(nn.Linear(channels, dim), nn.GELU())
        self.context = nn.ModuleList(nn.Linear(dim, dim) for _ in range(orders))
        self.coarse = nn.Sequential(nn.Linear(channels, dim), nn.GELU())
        self.global_ = nn.Sequential(nn.Linear(channels, dim), nn.GELU())
        fused = dim * (orders + 1) + dim * 2
        self.classifier = nn.Sequential(
            nn.LayerNorm(fused), nn.Dropout(dropout), nn.Linear(fused, n_classes)
        )

    def forward(self, fmap: torch.Tensor) -> torch.Tensor:
        fmap = fmap / self.input_scale
        cells = nn.functional.adaptive_avg_pool2d(fmap, self.grid).flatten(2).transpose(1, 2)
        h = self.cell(cells)  # [N, 20, dim]
        scales = [h.mean(dim=1)]
        for layer in self.context:  # order k: context from k hops away
            h = nn.functional.gelu(layer(self.adjacency @ h)) + h
            scales.append(h.mean(dim=1))
        quarters = nn.functional.adaptive_avg_pool2d(fmap, (2, 2)).flatten(2).transpose(1, 2)
        scales.append(self.coarse(quarters).mean(dim=1))
        scales.append(self.global_(fmap.mean(dim=(2, 3))))
        return cast("torch.Tensor", self.classifier(torch.cat(scales, dim=1)))


class PanCANLiteClassifier(FeatureMapHeadClassifier):
    def __init__(
        self,
        *,
        grid: tuple[int, int] = (4, 5),
        dim: int = 128,
        orders: int = 2,
        dropout: float = 0.2,
        epochs: int = 40,
        lr: float = 1e-3,
        weight_decay: float = 5e-2,
        batch_size: int = 64,
        random_state: int = 0,
    ) -> None:
        super().__init__(
            epochs=epochs,
            lr=lr,
            weight_decay=weight_decay,
            batch_size=batch_size,
            random_state=random_state,
        )
        self.grid = grid
        self.dim = dim
        self.orders = orders
        self.dropout = dropout

    def _build(self, X: ModelInputs, n_classes: int) -> nn.Module:
        return PanCANLite(
            X.fmaps.shape[1],
            n_classes,
            (self.grid[0], self.grid[1]),
            self.dim,
            self.orders,
            self.dropout,
            self.scale_,
        )
