"""One prediction path for the UI, the API and batch scoring, on ONNX Runtime.

The backbone and the active `fusion` and `vit` heads run as ONNX graphs; the TF-IDF
vocabulary is applied in scikit-learn. When the text is empty, `vit` answers and says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
import onnxruntime as ort

from ml import artifacts
from ml.calibration import calibrated_proba
from ml.images import ImageLimits, decode_image, to_input


@dataclass(frozen=True)
class Prediction:
    category: str
    confidence: float
    probabilities: dict[str, float]
    model: str
    version: int
    fallback: bool
    needs_review: bool
    embedding: np.ndarray
    latency_ms: float


def session(path: Path, threads: int = 2) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


@dataclass
class ServingHead:
    meta: artifacts.ModelMeta
    head: ort.InferenceSession
    vectorizer: object | None = None

    @classmethod
    def load(cls, folder: Path, threads: int = 2) -> ServingHead:
        meta = artifacts.ModelMeta.load(folder)
        if meta.serving is None:
            raise ValueError(f"{meta.name} v{meta.version} has no serving head")
        vectorizer = None
        if (folder / artifacts.VECTORIZER).exists():
            vectorizer = joblib.load(folder / artifacts.VECTORIZER)
        return cls(meta, session(folder / artifacts.HEAD, threads), vectorizer)


class Predictor:
    def __init__(
        self,
        backbone: ort.InferenceSession,
        fusion: ServingHead,
        vit: ServingHead,
        *,
        review_threshold: float = 0.6,
        limits: ImageLimits | None = None,
    ) -> None:
        if fusion.meta.classes != vit.meta.classes:
            raise ValueError("fusion and vit were trained on different classes")
        self.backbone = backbone
        self.fusion = fusion
        self.vit = vit
        self.review_threshold = review_threshold
        self.limits = limits or ImageLimits()
        self.classes = fusion.meta.classes

    @classmethod
    def from_artifacts(
        cls,
        artifacts_dir: Path,
        fusion_dir: Path,
        vit_dir: Path,
        *,
        review_threshold: float = 0.6,
        limits: ImageLimits | None = None,
        threads: int = 2,
    ) -> Predictor:
        fusion = ServingHead.load(fusion_dir, threads)
        vit = ServingHead.load(vit_dir, threads)
        if fusion.meta.backbone_key != vit.meta.backbone_key:
            raise ValueError("fusion and vit use different backbones")
        backbone_path = artifacts.backbone_onnx_path(artifacts_dir, fusion.meta.backbone_key)
        return cls(
            session(backbone_path, threads),
            fusion,
            vit,
            review_threshold=review_threshold,
            limits=limits,
        )

    def features(self, image_bytes: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Backbone embedding [1, D] and feature map [1, C, H, W]; raises ImageRejected."""
        pixels = to_input(decode_image(image_bytes, self.limits))[None]
        embedding, fmap = self.backbone.run(["embedding", "fmap"], {"image": pixels})
        return embedding, fmap

    def predict(self, image_bytes: bytes, text: str | None = None) -> Prediction:
        started = time.perf_counter()
        embedding, fmap = self.features(image_bytes)
        text = (text or "").strip()
        fallback = not text
        if fallback:
            served = self.vit
            (logits,) = served.head.run(["logits"], {"fmap": fmap})
        else:
            served = self.fusion
            tfidf = served.vectorizer.transform([text]).toarray().astype(np.float32)  # type: ignore[union-attr]
            (logits,) = served.head.run(["logits"], {"embedding": embedding, "tfidf": tfidf})
        proba = calibrated_proba(logits, served.meta.temperature)[0]
        best = int(proba.argmax())
        confidence = float(proba[best])
        return Prediction(
            category=self.classes[best],
            confidence=confidence,
            probabilities={c: float(p) for c, p in zip(self.classes, proba, strict=True)},
            model=served.meta.name,
            version=served.meta.version,
            fallback=fallback,
            needs_review=confidence < self.review_threshold,
            embedding=embedding[0],
            latency_ms=(time.perf_counter() - started) * 1000,
        )
