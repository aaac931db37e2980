"""Backbone outputs computed once per image (by sha256) and kept under the artifacts folder.

Whatever computes them is an `Extractor`: the exported ONNX backbone once training has written
it (the same numbers, faster), else PyTorch's network (the `train` extra, before the export). A
serving install, which has no PyTorch, can still add products.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm import tqdm

from ml import artifacts
from ml.backbone_spec import BackboneSpec
from ml.extras import MissingTrainExtra, has_train_extra
from ml.images import to_input
from ml.models.inputs import ModelInputs, TrainingViews
from ml.predictor import session
from ml.views import render_view

# Preprocessed images [N, 3, 224, 224] -> embedding [N, D], feature map [N, C, H, W], stages.
Extractor = Callable[[np.ndarray], Sequence[np.ndarray]]


class NotEnoughData(ValueError):
    """The catalogue cannot train or evaluate a model (an empty split, one category)."""


@dataclass(frozen=True)
class CatalogueData:
    """One row per product: its label, split, text and image."""

    ids: Sequence[str]
    labels: np.ndarray
    splits: np.ndarray
    texts: tuple[str, ...]
    image_shas: Sequence[str]
    image_paths: Sequence[Path]

    def index(self, split: str) -> np.ndarray:
        return np.where(self.splits == split)[0]


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
    """One .npz per image under `root/features/<backbone key>/` (an augmented view's under
    `.../views/<view>/`); the feature map is kept as float16."""

    def __init__(self, root: Path, backbone_key: str, view: str | None = None) -> None:
        self.folder = root / "features" / backbone_key
        if view is not None:
            self.folder = self.folder / "views" / view
        self.view = view

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


def onnx_extractor(path: Path, threads: int = 2) -> Extractor:
    """An exported backbone (`ml.onnx_export.export_backbone`) on ONNX Runtime."""
    backbone = session(path, threads)
    names = list(artifacts.BACKBONE_OUTPUTS)
    return lambda pixels: backbone.run(names, {artifacts.IMAGE: pixels})


def default_extractor(artifacts_dir: Path, spec: BackboneSpec, threads: int = 2) -> Extractor:
    """The exported ONNX backbone once training has written it, else PyTorch's network (the
    `train` extra). ONNX Runtime computes the same features (to 1e-4) about six times faster
    on a CPU (benchmarks/feature_extraction.py), which is most of a first training's time."""
    path = artifacts.backbone_onnx_path(artifacts_dir, spec.key)
    if path.exists():
        return onnx_extractor(path, threads)
    if has_train_extra():
        from ml.backbone import load_extractor, numpy_extractor

        return numpy_extractor(load_extractor(spec))
    raise MissingTrainExtra(
        f"image features need the backbone, and neither PyTorch nor {path} is here: "
        "train first, with pip install 'vitrine[train]'"
    )


def extract(
    images: Sequence[tuple[str, Path]],
    cache: FeatureCache,
    extractor: Callable[[], Extractor],
    *,
    batch_size: int = 32,
    progress: bool = True,
) -> Features:
    """Features for (sha256, path) pairs in order (of the cache's view of each image, if it has
    one); only images not cached yet are computed, and `extractor` is only built when there are
    some."""
    missing = [(sha, path) for sha, path in dict(images).items() if cache.get(sha) is None]
    if missing:  # nothing to compute: no extractor, no empty bar
        run = extractor()
        desc = "image features" if cache.view is None else f"{cache.view} view features"
        bar = tqdm(total=len(missing), desc=desc, unit="image", disable=not progress)
        with bar:
            for start in range(0, len(missing), batch_size):
                batch = missing[start : start + batch_size]
                tensors = []
                for sha, path in batch:
                    with Image.open(path) as image:
                        rgb = image.convert("RGB")
                    if cache.view is not None:
                        rgb = render_view(cache.view, rgb, sha)
                    tensors.append(to_input(rgb))
                outputs = run(np.stack(tensors))
                for (sha, _), embedding, fmap, stages in zip(batch, *outputs, strict=True):
                    cache.put(sha, embedding, fmap, stages)
                bar.update(len(batch))
    loaded = [cache.get(sha) for sha, _ in images]
    found = [item for item in loaded if item is not None]
    return Features(*(np.stack([item[k] for item in found]) for k in range(3)))


def prepare_inputs(
    data: CatalogueData,
    artifacts_dir: Path,
    spec: BackboneSpec,
    extractor: Extractor | None = None,
    progress: bool = True,
) -> ModelInputs:
    """What models are fitted on for every product of `data`, from the feature cache."""
    features = extract(
        list(zip(data.image_shas, data.image_paths, strict=True)),
        FeatureCache(artifacts_dir, spec.key),
        lambda: extractor or default_extractor(artifacts_dir, spec),
        progress=progress,
    )
    return ModelInputs(features.embeddings, features.fmaps, data.texts, features.stages)


def prepare_views(
    data: CatalogueData,
    rows: np.ndarray,
    views: Sequence[str],
    artifacts_dir: Path,
    spec: BackboneSpec,
    extractor: Extractor | None = None,
    progress: bool = True,
) -> TrainingViews:
    """Every view in `views` of the photos of catalogue `rows`, from the feature cache (one
    backbone pass per view and photo the first time)."""
    if not views:
        raise ValueError("no training view was asked for")
    # One extractor for every view, built only if a view is not cached yet.
    shared = functools.cache(lambda: extractor or default_extractor(artifacts_dir, spec))
    images = [(data.image_shas[i], data.image_paths[i]) for i in rows]
    parts = [
        extract(images, FeatureCache(artifacts_dir, spec.key, view), shared, progress=progress)
        for view in views
    ]
    inputs = ModelInputs(
        np.concatenate([p.embeddings for p in parts]),
        np.concatenate([p.fmaps for p in parts]),
        tuple(data.texts[i] for i in rows) * len(views),
        np.concatenate([p.stages for p in parts]),
    )
    return TrainingViews(tuple(views), inputs, np.tile(np.asarray(rows), len(views)))
