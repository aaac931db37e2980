"""Backbone outputs computed once per image (by sha256) and kept under the artifacts folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from tqdm import tqdm

from ml.backbone import FeatureExtractor
from ml.images import to_input


@dataclass(frozen=True)
class Features:
    embeddings: np.ndarray  # [N, D] float32
    fmaps: np.ndarray  # [N, C, H, W] float32
    stages: np.ndarray  # [N, S] float32, the embedding and pooled intermediate stages

    def __len__(self) -> int:
        return len(self.embeddings)

    def take(self, index: np.ndarray | Sequence[int]) -> Features:
        return Features(self.embeddings[index], self.fmaps[index], self.stages[index])


class FeatureCache:
    """One .npz per image under `root/<backbone key>/`; the feature map is kept as float16."""

    def __init__(self, root: Path, backbone_key: str) -> None:
        self.folder = root / "features" / backbone_key

    def path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}.npz"

    def get(self, sha256: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        path = self.path(sha256)
        if not path.exists():
            return None
        with np.load(path) as data:
            return data["embedding"], data["fmap"].astype(np.float32), data["stages"]

    def put(self, sha256: str, embedding: np.ndarray, fmap: np.ndarray, stages: np.ndarray) -> None:
        path = self.path(sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(
            tmp,
            embedding=embedding.astype(np.float32),
            fmap=fmap.astype(np.float16),
            stages=stages.astype(np.float32),
        )
        tmp.replace(path)


@torch.inference_mode()
def extract(
    extractor: FeatureExtractor,
    images: Sequence[tuple[str, Path]],
    cache: FeatureCache,
    *,
    batch_size: int = 32,
    progress: bool = True,
) -> Features:
    """Features for (sha256, path) pairs in order; only images not cached yet are computed."""
    missing = [(sha, path) for sha, path in dict(images).items() if cache.get(sha) is None]
    # Nothing to compute (every image cached): no empty bar.
    bar = tqdm(
        total=len(missing), desc="image features", unit="image", disable=not progress or not missing
    )
    for start in range(0, len(missing), batch_size):
        batch = missing[start : start + batch_size]
        tensors = []
        for _, path in batch:
            with Image.open(path) as image:
                tensors.append(to_input(image.convert("RGB")))
        outputs = [o.numpy() for o in extractor(torch.from_numpy(np.stack(tensors)))]
        for (sha, _), embedding, fmap, stages in zip(batch, *outputs, strict=True):
            cache.put(sha, embedding, fmap, stages)
        bar.update(len(batch))
    bar.close()
    loaded = [cache.get(sha) for sha, _ in images]
    found = [item for item in loaded if item is not None]
    return Features(*(np.stack([item[k] for item in found]) for k in range(3)))
