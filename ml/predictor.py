"""One prediction path for the UI, the API and batch scoring, on ONNX Runtime.

The backbone and the active `fusion` and fallback heads run as ONNX graphs; the TF-IDF
vocabulary is applied in scikit-learn. When the text is empty, the image-only fallback (the
candidate that holds up best under style shift) answers and says so.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import joblib
import numpy as np
import onnxruntime as ort
from threadpoolctl import ThreadpoolController

from ml import artifacts
from ml.artifacts import IMAGE, LOGITS, TFIDF
from ml.calibration import calibrated_proba
from ml.doubt import Doubt, DoubtModel, confidence_only
from ml.drift_features import drift_features
from ml.images import ImageLimits, decode_image, to_input

EMBEDDING = artifacts.BACKBONE_OUTPUTS[0]


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
    drift_features: dict[str, float]
    # The categories the answer cannot be told apart from (conformal set), and why it needs
    # review (codes of ml.doubt.REASONS; empty when it does not).
    prediction_set: tuple[str, ...] = ()
    review_reasons: tuple[str, ...] = ()

    @property
    def margin(self) -> float:
        """The top probability minus the runner-up's: near 0, the answer is close to a tie."""
        top = sorted(self.probabilities.values(), reverse=True)
        return float(top[0] - (top[1] if len(top) > 1 else 0.0)) if top else 0.0


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
    vectorizer: Any | None = None  # the fitted TfidfVectorizer of a head that reads text
    doubt: DoubtModel | None = None  # None for versions trained before doubt models
    # The text branch's LogisticRegression (fusion); None for versions trained before it was
    # saved apart, whose text explanations unpickle the whole model (and need PyTorch).
    text_branch: Any | None = None

    @classmethod
    def load(cls, folder: Path, threads: int = 2) -> ServingHead:
        meta = artifacts.ModelMeta.load(folder)
        if meta.serving is None:
            raise ValueError(f"{meta.name} v{meta.version} has no serving head")

        def optional(name: str) -> Any | None:
            return joblib.load(folder / name) if (folder / name).exists() else None

        return cls(
            meta,
            session(folder / artifacts.HEAD, threads),
            optional(artifacts.VECTORIZER),
            optional(artifacts.DOUBT),
            optional(artifacts.TEXT_BRANCH),
        )

    def assess(self, proba: np.ndarray, embedding: np.ndarray, review_threshold: float) -> Doubt:
        if self.doubt is None:
            return confidence_only(proba, self.meta.classes, review_threshold)
        return self.doubt.assess(proba[None], embedding[None], review_threshold)[0]

    @property
    def inputs(self) -> list[str]:
        """What the head reads: backbone outputs (artifacts.BACKBONE_OUTPUTS) or TF-IDF."""
        return [i.name for i in self.head.get_inputs()]

    def logits(self, features: dict[str, np.ndarray]) -> np.ndarray:
        (out,) = self.head.run([LOGITS], {name: features[name] for name in self.inputs})
        return cast(np.ndarray, out)

    def tfidf(self, texts: Sequence[str]) -> np.ndarray:
        """The TF-IDF input of a head that reads text."""
        if self.vectorizer is None:
            raise ValueError(f"{self.meta.name} reads no text")
        return cast(np.ndarray, self.vectorizer.transform(list(texts)).toarray()).astype(np.float32)


class Predictor:
    def __init__(
        self,
        backbone: ort.InferenceSession,
        fusion: ServingHead,
        fallback: ServingHead,
        *,
        review_threshold: float = 0.6,
        limits: ImageLimits | None = None,
        backbone_file: Path | None = None,
        vit_backbone: ort.InferenceSession | None = None,
    ) -> None:
        if fusion.meta.classes != fallback.meta.classes:
            raise ValueError("fusion and the fallback were trained on different classes")
        # Around the ONNX graphs a prediction runs only tiny matrix products (TF-IDF, distances
        # to the catalogue, drift features). OpenBLAS's own threads made them cost more than the
        # backbone on 2 cores (fusion p50 11-16 ms -> 6.9 ms with one thread), and the ONNX
        # sessions already have the cores: one BLAS thread for a process that serves.
        ThreadpoolController().limit(limits=1, user_api="blas")
        self.backbone = backbone
        self.fusion = fusion
        self.fallback = fallback
        self.review_threshold = review_threshold
        self.limits = limits or ImageLimits()
        self.classes = fusion.meta.classes
        self.backbone_file = backbone_file
        # A timm ViT fallback reads its own backbone's embedding, not the shared feature map.
        self.vit_backbone = vit_backbone
        if (fallback.meta.serving == "vit-embedding") != (vit_backbone is not None):
            raise ValueError("a timm ViT fallback needs its own backbone, and only it does")

    def calibrate_sets(self, scores: dict[str, np.ndarray], source: str) -> None:
        """Recalibrate the conformal sets of the heads `scores` has an entry for, by model name
        (answers to art sets the answering model never saw: ml.style_shift)."""
        for head in (self.fusion, self.fallback):
            name = head.meta.name
            if head.doubt is not None and name in scores and len(scores[name]):
                head.doubt = head.doubt.recalibrated(scores[name], source)

    @classmethod
    def from_artifacts(
        cls,
        artifacts_dir: Path,
        fusion_dir: Path,
        fallback_dir: Path,
        *,
        review_threshold: float = 0.6,
        limits: ImageLimits | None = None,
        threads: int = 2,
        int8: bool = True,
    ) -> Predictor:
        """Load the serving graphs; the int8 backbone is preferred when asked and present."""
        fusion = ServingHead.load(fusion_dir, threads)
        fallback = ServingHead.load(fallback_dir, threads)
        vit_backbone = None
        if fallback.meta.serving == "vit-embedding":
            vit_path = artifacts.backbone_onnx_path(artifacts_dir, fallback.meta.backbone_key)
            vit_backbone = session(vit_path, threads)
        elif fusion.meta.backbone_key != fallback.meta.backbone_key:
            raise ValueError("fusion and the fallback use different backbones")
        key = fusion.meta.backbone_key
        backbone_path = artifacts.backbone_onnx_path(artifacts_dir, key)
        quantised = artifacts.backbone_onnx_path(artifacts_dir, key, int8=True)
        if int8 and quantised.exists():
            backbone_path = quantised
        return cls(
            session(backbone_path, threads),
            fusion,
            fallback,
            review_threshold=review_threshold,
            limits=limits,
            backbone_file=backbone_path,
            vit_backbone=vit_backbone,
        )

    def features(self, pixels: np.ndarray) -> dict[str, np.ndarray]:
        """Backbone outputs of preprocessed images: embedding [N, D], fmap [N, C, H, W] and
        stages [N, S]."""
        names = [o.name for o in self.backbone.get_outputs()]
        return dict(zip(names, self.backbone.run(names, {IMAGE: pixels}), strict=True))

    def head_for(self, model: str) -> ServingHead:
        """The serving head that answered as `model` (fusion or the fallback)."""
        if model == self.fusion.meta.name:
            return self.fusion
        if model == self.fallback.meta.name:
            return self.fallback
        raise KeyError(f"{model} is not serving")

    def predict(self, image_bytes: bytes, text: str | None = None) -> Prediction:
        """Classify one product; raises ImageRejected before any model runs."""
        return self.predict_batch([image_bytes], [text])[0]

    def predict_batch(
        self, images: Sequence[bytes], texts: Sequence[str | None]
    ) -> list[Prediction]:
        """Classify products in one backbone pass; rows without text go to the fallback."""
        if len(images) != len(texts):
            raise ValueError("one text (or None) per image")
        started = time.perf_counter()
        decoded = [decode_image(data, self.limits) for data in images]
        pixels = np.stack([to_input(image) for image in decoded])
        features = self.features(pixels)
        embeddings = features[EMBEDDING]
        cleaned = [(text or "").strip() for text in texts]
        logits = np.zeros((len(images), len(self.classes)), dtype=np.float32)
        with_text = [i for i, t in enumerate(cleaned) if t]
        without = [i for i, t in enumerate(cleaned) if not t]
        fallback_rows = set(without)
        if with_text:
            tfidf = self.fusion.tfidf([cleaned[i] for i in with_text])
            logits[with_text] = self.fusion.logits({EMBEDDING: embeddings[with_text], TFIDF: tfidf})
        # The embedding each answering head's doubt is measured on.
        doubt_embeddings = list(embeddings)
        if without and self.vit_backbone is not None:
            (vit_embeddings,) = self.vit_backbone.run([EMBEDDING], {IMAGE: pixels[without]})
            logits[without] = self.fallback.logits({EMBEDDING: vit_embeddings})
            for i, row in zip(without, vit_embeddings, strict=True):
                doubt_embeddings[i] = row
        elif without:
            logits[without] = self.fallback.logits({k: v[without] for k, v in features.items()})
        elapsed_ms = (time.perf_counter() - started) * 1000 / len(images)
        predictions = []
        for i, row in enumerate(logits):
            served = self.fallback if i in fallback_rows else self.fusion
            proba = calibrated_proba(row[None], served.meta.temperature)[0]
            best = int(proba.argmax())
            confidence = float(proba[best])
            doubt = served.assess(proba, doubt_embeddings[i], self.review_threshold)
            predictions.append(
                Prediction(
                    category=self.classes[best],
                    confidence=confidence,
                    probabilities={c: float(p) for c, p in zip(self.classes, proba, strict=True)},
                    model=served.meta.name,
                    version=served.meta.version,
                    fallback=served is self.fallback,
                    needs_review=doubt.needs_review,
                    embedding=embeddings[i],
                    latency_ms=elapsed_ms,
                    drift_features=drift_features(
                        decoded[i], len(images[i]), embeddings[i], len(cleaned[i])
                    ),
                    prediction_set=doubt.prediction_set,
                    review_reasons=doubt.reasons,
                )
            )
        return predictions
