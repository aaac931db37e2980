"""Spatial-bias audit: does the model look at one part of the photo whatever the product?

The analysis this project started from (the original Flipkart study) found every class
attending to the top-left of the image. This turns that
finding into a check: mean |SHAP| per cell over the test split (per class and overall), the
share of attribution in each quarter, and accuracy when the products are moved to each corner
or cropped to the centre. An unbiased model spreads attribution where products are, and keeps
its accuracy wherever the product sits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from PIL import Image

from ml.explain import REGIONS, quadrant_shares
from ml.wording import N_, PLACES, Translate, english, joined

QUADRANT_LIMIT = 0.40  # a uniform map gives each quarter 0.25
ACCURACY_GAP_LIMIT = 0.15
PLACEMENTS = ("top-left", "top-right", "bottom-left", "bottom-right", "centre-crop")


@dataclass(frozen=True)
class SpatialAudit:
    overall: list[list[float]]  # mean |SHAP| per cell, normalised to sum 1
    per_class: dict[str, list[list[float]]]
    quadrant_shares: dict[str, float]
    accuracy: dict[str, float]  # "original" and each placement
    biased: bool
    verdict: str

    def as_dict(self) -> dict:  # type: ignore[type-arg]
        return asdict(self)


def place(image: Image.Image, where: str, scale: float = 0.5) -> Image.Image:
    """The product photo shrunk into one corner of a plain canvas, or centre-cropped."""
    size = image.size
    if where == "centre-crop":
        w, h = size
        box = (int(w * 0.2), int(h * 0.2), int(w * 0.8), int(h * 0.8))
        return image.crop(box).resize(size, Image.Resampling.BICUBIC)
    small = image.resize((int(size[0] * scale), int(size[1] * scale)), Image.Resampling.BICUBIC)
    pixels = np.asarray(image)
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    canvas = Image.new("RGB", size, tuple(int(v) for v in np.median(border, axis=0)))
    x = 0 if "left" in where else size[0] - small.width
    y = 0 if "top" in where else size[1] - small.height
    canvas.paste(small, (x, y))
    return canvas


def audit(
    grids: Sequence[np.ndarray], labels: Sequence[str], accuracy: dict[str, float]
) -> SpatialAudit:
    """Summarise per-product attribution grids and accuracies under displacement."""
    magnitudes = np.stack([np.abs(g) for g in grids])
    magnitudes /= np.clip(magnitudes.sum(axis=(1, 2), keepdims=True), 1e-12, None)
    overall = magnitudes.mean(axis=0)
    per_class = {
        c: magnitudes[np.array(labels) == c].mean(axis=0).round(5).tolist()
        for c in sorted(set(labels))
    }
    shares = quadrant_shares(overall)
    biased, said = verdict(shares, accuracy)
    return SpatialAudit(overall.round(5).tolist(), per_class, shares, accuracy, biased, said)


# What the audit compares with: the finding of the analysis this project started from.
REFERENCE = N_(
    "the bias reported for the original Flipkart study (every class looking at the top-left)"
)


def verdict(
    shares: dict[str, float], accuracy: dict[str, float], _: Translate = english
) -> tuple[bool, str]:
    """(biased, the verdict in words) from the quarter shares and the accuracies by placement;
    `_` writes the words in a language."""
    top = max(shares, key=shares.get)  # type: ignore[arg-type]
    # Fragility compares the four corners with each other: same shrink, another place.
    corners = [accuracy[p] for p in PLACEMENTS[:4] if p in accuracy]
    gap = (max(corners) - min(corners)) if corners else 0.0
    concentrated = shares[top] > QUADRANT_LIMIT
    fragile = gap > ACCURACY_GAP_LIMIT
    parts = [
        _(
            "The %(quarter)s quarter holds %(share)s%% of the attribution "
            "(an even spread gives each quarter 25%%).",
            quarter=_(PLACES[top]),
            share=round(shares[top] * 100),
        )
    ]
    placed = [p for p in PLACEMENTS if p in accuracy]
    if placed:
        worst = min(placed, key=lambda p: accuracy[p])
        best = max(placed, key=lambda p: accuracy[p])
        parts.append(
            _(
                "Accuracy ranges from %(low)s%% (%(worst)s) to %(high)s%% (%(best)s) when "
                "products are moved.",
                low=round(accuracy[worst] * 100),
                worst=_(PLACES[worst]),
                high=round(accuracy[best] * 100),
                best=_(PLACES[best]),
            )
        )
    reference = _(REFERENCE)
    if concentrated or fragile:
        reason = []
        if concentrated:
            reason.append(
                _("attention piles up in the %(quarter)s quarter", quarter=_(PLACES[top]))
            )
        if fragile:
            reason.append(_("accuracy depends on which corner the product sits in"))
        head = _(
            "A spatial bias like %(reference)s is present: %(reasons)s. ",
            reference=reference,
            reasons=joined(reason, _),
        )
    else:
        head = _(
            "No spatial bias like %(reference)s: attribution is spread and accuracy holds "
            "wherever the product sits. ",
            reference=reference,
        )
    return concentrated or fragile, head + " ".join(parts)


def accuracy_under(
    predict: Callable[[list[Image.Image]], list[str]],
    images: Sequence[Image.Image],
    labels: Sequence[str],
) -> dict[str, float]:
    truth = np.array(labels)
    out = {"original": float(np.mean(np.array(predict(list(images))) == truth))}
    for placement in PLACEMENTS:
        moved = [place(image, placement) for image in images]
        out[placement] = float(np.mean(np.array(predict(moved)) == truth))
    return out


__all__ = ["PLACEMENTS", "REGIONS", "SpatialAudit", "accuracy_under", "audit", "place"]
