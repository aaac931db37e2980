"""`vit`, the image-only fallback: a Vision Transformer over the backbone's feature-map tokens.

A hybrid ViT: each cell of the frozen backbone's last feature map is a token; a learned [CLS]
token and positional embeddings go in front of a pre-norm transformer encoder with multi-head
self-attention, written out so it exports to ONNX as plain matrix products.
"""

from __future__ import annotations

from typing import cast

import torch
from torch import nn

from ml.models.inputs import ModelInputs
from ml.models.served import ServedModel
from ml.models.torch_head import FeatureMapHeadClassifier


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, dim: int, heads: int, dropout: float) -> None:
        super().__init__()
        if dim % heads:
            raise ValueError("dim must be divisible by heads")
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, tokens, dim = x.shape
        head_dim = dim // self.heads
        qkv = self.qkv(x).reshape(batch, tokens, 3, self.heads, head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attention = (q @ k.transpose(-2, -1)) * self.scale
        attention = self.dropout(attention.softmax(dim=-1))
        out = (attention @ v).transpose(1, 2).reshape(batch, tokens, dim)
        return cast("torch.Tensor", self.proj(out))


class EncoderBlock(nn.Module):
    def __init__(self, dim: int, heads: int, mlp_ratio: float, dropout: float) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attention = MultiHeadSelfAttention(dim, heads, dropout)
        self.norm2 = nn.LayerNorm(dim)
        hidden = int(dim * mlp_ratio)
        self.mlp = nn.Sequential(
            nn.Linear(dim, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, dim)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.norm1(x))
        return cast("torch.Tensor", x + self.mlp(self.norm2(x)))


class HybridViT(nn.Module):
    input_scale: torch.Tensor  # buffer, typed for mypy

    def __init__(
        self,
        channels: int,
        grid: int,
        n_classes: int,
        dim: int = 128,
        depth: int = 2,
        heads: int = 4,
        mlp_ratio: float = 2.0,
        dropout: float = 0.1,
        input_scale: float = 1.0,
    ) -> None:
        super().__init__()
        # Inside the module, so the exported ONNX graph takes the raw feature map.
        self.register_buffer("input_scale", torch.tensor(input_scale, dtype=torch.float32))
        self.embed = nn.Linear(channels, dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.randn(1, grid + 1, dim) * 0.02)
        self.dropout = nn.Dropout(dropout)
        self.blocks = nn.Sequential(
            *(EncoderBlock(dim, heads, mlp_ratio, dropout) for _ in range(depth))
        )
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, fmap: torch.Tensor) -> torch.Tensor:
        tokens = self.embed((fmap / self.input_scale).flatten(2).transpose(1, 2))  # [N, HW, dim]
        cls = self.cls_token.expand(tokens.shape[0], -1, -1)
        x = self.dropout(torch.cat([cls, tokens], dim=1) + self.pos_embed)
        return cast("torch.Tensor", self.head(self.norm(self.blocks(x))[:, 0]))


class ViTClassifier(ServedModel, FeatureMapHeadClassifier):
    def __init__(
        self,
        *,
        dim: int = 128,
        depth: int = 2,
        heads: int = 4,
        mlp_ratio: float = 2.0,
        dropout: float = 0.1,
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
        self.dim = dim
        self.depth = depth
        self.heads = heads
        self.mlp_ratio = mlp_ratio
        self.dropout = dropout

    def serving_module(self) -> nn.Module:
        return self.module_

    def _build(self, X: ModelInputs, n_classes: int) -> nn.Module:
        _, channels, height, width = X.fmaps.shape
        return HybridViT(
            channels,
            height * width,
            n_classes,
            self.dim,
            self.depth,
            self.heads,
            self.mlp_ratio,
            self.dropout,
            self.scale_,
        )
