"""Explanations with SHAP: where in the photo, and which words, moved the decision.

* Fast image mode: Shapley values over the backbone's 7x7 feature-map cells. One backbone
  pass; a masked cell takes the training mean feature of that cell; only the head re-runs per
  coalition (shap's Permutation explainer over cell masks).
* Pixel image mode: shap's Partition explainer with a blur image masker, over the full ONNX
  prediction function.
* Text: an exact linear explanation of the fusion model's text branch over its TF-IDF
  features (shap's LinearExplainer against the training mean).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import shap

from ml.artifacts import BACKBONE_OUTPUTS, LOGITS, TFIDF
from ml.images import IMAGENET_MEAN, IMAGENET_STD, INPUT_SIZE
from ml.wording import PLACES, Translate, english

EMBEDDING, FMAP, _STAGES = BACKBONE_OUTPUTS

GRID = 7
REGIONS = ("top-left", "top-right", "bottom-left", "bottom-right")


@dataclass(frozen=True)
class ImageExplanation:
    mode: str  # "cells" or "pixels"
    target: str
    grid: np.ndarray  # [7, 7] attribution per cell (pixel maps are pooled to cells too)
    pixels: np.ndarray | None  # [224, 224] for the pixel mode
    base_value: float
    output_value: float
    seconds: float
    evaluations: int

    def quadrant_shares(self) -> dict[str, float]:
        return quadrant_shares(np.abs(self.grid))

    def summary(self, _: Translate = english) -> str:
        return describe_regions(self.grid, self.target, _)


@dataclass(frozen=True)
class TokenContribution:
    token: str
    value: float


@dataclass(frozen=True)
class TextExplanation:
    target: str
    base_value: float
    output_value: float
    contributions: list[TokenContribution] = field(default_factory=list)
    other_words: float = 0.0  # everything not listed: rarer tokens and words absent here


def quadrant_shares(weights: np.ndarray) -> dict[str, float]:
    """Share of the total in each quarter of a square map.

    With an odd side (7x7) the middle row and column are split evenly between their two
    quarters, so a uniform map gives every quarter exactly 25%.
    """
    fine = np.kron(weights, np.ones((2, 2))) / 4
    half = weights.shape[0]
    total = float(fine.sum()) or 1.0
    return {
        "top-left": float(fine[:half, :half].sum() / total),
        "top-right": float(fine[:half, half:].sum() / total),
        "bottom-left": float(fine[half:, :half].sum() / total),
        "bottom-right": float(fine[half:, half:].sum() / total),
    }


def describe_regions(grid: np.ndarray, target: str, _: Translate = english) -> str:
    """Where the photo pushed towards `target`, in words; `_` writes them in a language."""
    positive = np.clip(grid, 0, None)
    negative = np.clip(-grid, 0, None)
    if positive.sum() <= 0:
        return _("No region of the photo pushed the model towards %(target)s.", target=_(target))
    shares = quadrant_shares(positive)
    best = max(shares, key=shares.get)  # type: ignore[arg-type]
    centre = float(positive[2:5, 2:5].sum() / positive.sum())
    said = [
        _(
            "The %(quarter)s quarter pushed the decision towards %(target)s most "
            "(%(share)s%% of the positive attribution)",
            quarter=_(PLACES[best]),
            target=_(target),
            share=round(shares[best] * 100),
        )
    ]
    if centre > 0.4:
        said.append(_("; the centre of the photo carries %(share)s%%", share=round(centre * 100)))
    if negative.sum() > 0:
        against = quadrant_shares(negative)
        worst = max(against, key=against.get)  # type: ignore[arg-type]
        said.append(_(". The %(quarter)s quarter argued most against it", quarter=_(PLACES[worst])))
    return "".join(said) + "."


def pool_to_grid(pixels: np.ndarray, grid: int = GRID) -> np.ndarray:
    """Sum a [H, W] map over a grid x grid partition (edges split as evenly as possible)."""
    edges = np.linspace(0, pixels.shape[0], grid + 1).astype(int)
    out = np.zeros((grid, grid))
    for i in range(grid):
        for j in range(grid):
            out[i, j] = pixels[edges[i] : edges[i + 1], edges[j] : edges[j + 1]].sum()
    return out


class CellExplainer:
    """Shapley values of the 7x7 feature-map cells for one image.

    `cell_output(masks)` maps a batch of 0/1 masks [B, 49] to the explained score [B]; it is
    built by `fusion_cell_function` or `vit_cell_function`.
    """

    def __init__(
        self, cell_output: Callable[[np.ndarray], np.ndarray], max_evals: int = 1000
    ) -> None:
        self.cell_output = cell_output
        self.max_evals = max_evals

    def explain(self, target: str) -> ImageExplanation:
        started = time.perf_counter()
        masker = shap.maskers.Independent(np.zeros((1, GRID * GRID)))
        explainer = shap.explainers.Permutation(self.cell_output, masker, seed=0)
        explanation = explainer(np.ones((1, GRID * GRID)), max_evals=self.max_evals, silent=True)
        values = np.asarray(explanation.values[0], dtype=float)
        base = float(np.asarray(explanation.base_values).ravel()[0])
        return ImageExplanation(
            mode="cells",
            target=target,
            grid=values.reshape(GRID, GRID),
            pixels=None,
            base_value=base,
            output_value=base + float(values.sum()),
            seconds=time.perf_counter() - started,
            evaluations=self.max_evals,
        )


@dataclass(frozen=True)
class CellHead:
    """EfficientNet's last 1x1 convolution, batch norm and ReLU6, as numpy arrays.

    They act on each feature-map cell alone and the embedding is their mean, so a coalition's
    embedding is a mean of per-cell rows. Kept as arrays so explanations need no PyTorch (and
    are safe in forked background workers).
    """

    weight: np.ndarray  # [D, C]
    scale: np.ndarray  # [D]
    shift: np.ndarray  # [D]

    @classmethod
    def from_network(cls, network: Any) -> CellHead:
        """From a timm EfficientNet (its head's batch norm and 1x1 convolution)."""
        bn = network.bn2

        def array(tensor: Any) -> np.ndarray:
            return cast(np.ndarray, tensor.detach().numpy()).copy()

        scale = array(bn.weight) / np.sqrt(array(bn.running_var) + bn.eps)
        shift = array(bn.bias) - array(bn.running_mean) * scale
        return cls(array(network.conv_head.weight)[:, :, 0, 0].copy(), scale, shift)

    def save(self, path: Any) -> None:
        np.savez(path, weight=self.weight, scale=self.scale, shift=self.shift)

    @classmethod
    def load(cls, path: Any) -> CellHead:
        with np.load(path) as data:
            return cls(data["weight"], data["scale"], data["shift"])

    def __call__(self, cells: np.ndarray) -> np.ndarray:
        """[N, C] cell features -> [N, D] activations."""
        return cast(
            np.ndarray, np.clip((cells @ self.weight.T) * self.scale + self.shift, 0.0, 6.0)
        )


def cell_embeddings(
    head: CellHead, fmap: np.ndarray, mean_fmap: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-cell head activations of the image and of the training mean: [49, D] each."""
    channels = fmap.shape[0]
    return (
        head(fmap.reshape(channels, -1).T.astype(np.float32)),
        head(mean_fmap.reshape(channels, -1).T.astype(np.float32)),
    )


def class_log_odds(logits: np.ndarray, temperature: float) -> np.ndarray:
    """log(p / (1 - p)) per class of the calibrated softmax: what the image maps explain.

    A saturated probability (0.9999) barely moves when part of the photo is masked, so its
    attributions come out in millionths; its log-odds move by whole units and still add up.
    Computed from the logits (z_k - logsumexp of the others), so exact at any confidence.
    """
    z = np.asarray(logits, dtype=np.float64) / temperature
    out = np.empty_like(z)
    for k in range(z.shape[1]):
        others = np.delete(z, k, axis=1)
        top = others.max(axis=1, keepdims=True)
        rest = top[:, 0] + np.log(np.exp(others - top).sum(axis=1))
        out[:, k] = z[:, k] - rest
    return out


def fusion_cell_function(
    head: CellHead,
    fusion_head: Any,
    temperature: float,
    fmap: np.ndarray,
    mean_fmap: np.ndarray,
    tfidf: np.ndarray,
    target: int,
) -> Callable[[np.ndarray], np.ndarray]:
    actual, mean = cell_embeddings(head, fmap, mean_fmap)

    def output(masks: np.ndarray) -> np.ndarray:
        masks = np.asarray(masks, dtype=np.float32)
        embedding = (masks @ actual + (1 - masks) @ mean) / masks.shape[1]
        text = np.repeat(tfidf, len(masks), axis=0)
        (logits,) = fusion_head.run(
            [LOGITS], {EMBEDDING: embedding.astype(np.float32), TFIDF: text}
        )
        return class_log_odds(logits, temperature)[:, target]

    return output


def vit_cell_function(
    vit_head: Any, temperature: float, fmap: np.ndarray, mean_fmap: np.ndarray, target: int
) -> Callable[[np.ndarray], np.ndarray]:
    channels = fmap.shape[0]
    flat, flat_mean = fmap.reshape(channels, -1), mean_fmap.reshape(channels, -1)

    def output(masks: np.ndarray) -> np.ndarray:
        masks = np.asarray(masks, dtype=np.float32)[:, None, :]
        mixed = masks * flat[None] + (1 - masks) * flat_mean[None]
        (logits,) = vit_head.run(
            [LOGITS], {FMAP: mixed.reshape(len(masks), channels, GRID, GRID).astype(np.float32)}
        )
        return class_log_odds(logits, temperature)[:, target]

    return output


def pixel_explanation(
    predict_proba: Callable[[np.ndarray], np.ndarray],
    image: np.ndarray,
    target: int,
    target_name: str,
    *,
    max_evals: int = 300,
    batch_size: int = 50,
    blur: str = "blur(32,32)",
) -> ImageExplanation:
    """Partition SHAP with a blurring masker; `image` is uint8 [224, 224, 3]."""
    started = time.perf_counter()
    masker = shap.maskers.Image(blur, image.shape)
    explainer = shap.Explainer(predict_proba, masker, algorithm="partition")
    explanation = explainer(
        image[None], max_evals=max_evals, batch_size=batch_size, outputs=[target], silent=True
    )
    values = np.asarray(explanation.values)[0, ..., 0].sum(axis=-1)
    base = float(np.asarray(explanation.base_values).ravel()[0])
    return ImageExplanation(
        mode="pixels",
        target=target_name,
        grid=pool_to_grid(values),
        pixels=values,
        base_value=base,
        output_value=base + float(values.sum()),
        seconds=time.perf_counter() - started,
        evaluations=max_evals,
    )


def normalise_batch(images: np.ndarray) -> np.ndarray:
    """uint8 [B, H, W, 3] already INPUT_SIZE square -> the backbone's [B, 3, H, W] input."""
    pixels = images.astype(np.float32) / 255.0
    return ((pixels - IMAGENET_MEAN) / IMAGENET_STD).transpose(0, 3, 1, 2).copy()


def square_input(image: Any, side: int = INPUT_SIZE) -> np.ndarray:
    """A PIL image resized and centre-cropped as for prediction, as uint8 [side, side, 3]."""
    from PIL import Image

    width, height = image.size
    scale = side / min(width, height)
    resized = image.resize(
        (max(side, round(width * scale)), max(side, round(height * scale))),
        Image.Resampling.BICUBIC,
    )
    left, top = (resized.width - side) // 2, (resized.height - side) // 2
    return np.asarray(resized.crop((left, top, left + side, top + side)))


def text_explanation(
    vectorizer: Any,
    text_branch: Any,
    background: np.ndarray,
    text: str,
    target: int,
    target_name: str,
    top: int = 12,
) -> TextExplanation:
    """Exact SHAP values of the text branch's score for `target`, per token present."""
    vector = vectorizer.transform([text]).toarray()
    coef = text_branch.coef_[target]
    intercept = float(text_branch.intercept_[target])
    explainer = shap.LinearExplainer((coef, intercept), shap.maskers.Independent(background))
    values = np.asarray(explainer.shap_values(vector))[0]
    vocabulary = vectorizer.get_feature_names_out()
    present = np.nonzero(vector[0])[0]
    ranked = sorted(present, key=lambda j: -abs(values[j]))[:top]
    base = float(np.asarray(explainer.expected_value).ravel()[0])
    listed = float(values[ranked].sum()) if ranked else 0.0
    return TextExplanation(
        target=target_name,
        base_value=base,
        output_value=float(vector[0] @ coef + intercept),
        contributions=[TokenContribution(str(vocabulary[j]), float(values[j])) for j in ranked],
        other_words=float(values.sum()) - listed,
    )


def category_words(
    vectorizer: Any,
    text_branch: Any,
    background: np.ndarray,
    texts_by_category: dict[str, list[str]],
    classes: list[str],
    top: int = 8,
) -> dict[str, list[TokenContribution]]:
    """The words that weigh most towards each category across its products: the mean of the
    text branch's exact SHAP values (as `text_explanation` gives for one text) over the
    category's products, largest first."""
    vocabulary = vectorizer.get_feature_names_out()
    words: dict[str, list[TokenContribution]] = {}
    for category, texts in texts_by_category.items():
        if not texts:
            continue
        index = classes.index(category)
        coef, intercept = text_branch.coef_[index], float(text_branch.intercept_[index])
        explainer = shap.LinearExplainer((coef, intercept), shap.maskers.Independent(background))
        values = np.asarray(explainer.shap_values(vectorizer.transform(texts).toarray()))
        mean = values.mean(axis=0)
        ranked = np.argsort(-mean)[:top]
        words[category] = [
            TokenContribution(str(vocabulary[j]), float(mean[j])) for j in ranked if mean[j] > 0
        ]
    return words
