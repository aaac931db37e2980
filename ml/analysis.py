"""Two variables against each other: correlation, a trend line and a plain-language reading."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats


@dataclass(frozen=True)
class Relation:
    n: int
    pearson: float | None
    spearman: float | None
    slope: float | None
    intercept: float | None
    reading: str


def strength(r: float) -> str:
    size = abs(r)
    if size < 0.1:
        return "no"
    if size < 0.3:
        return "a weak"
    if size < 0.5:
        return "a moderate"
    return "a strong"


def relate(x: pd.Series, y: pd.Series, x_label: str, y_label: str) -> Relation:
    pair = pd.DataFrame({"x": x, "y": y}).replace([np.inf, -np.inf], np.nan).dropna()
    n = len(pair)
    if n < 3 or pair["x"].nunique() < 2 or pair["y"].nunique() < 2:
        return Relation(
            n,
            None,
            None,
            None,
            None,
            f"Too few varying values ({n}) to relate {x_label} and {y_label}.",
        )
    pearson = float(stats.pearsonr(pair["x"], pair["y"])[0])
    spearman = float(stats.spearmanr(pair["x"], pair["y"])[0])
    slope, intercept = (float(v) for v in np.polyfit(pair["x"], pair["y"], 1))
    if strength(spearman) == "no":
        reading = (
            f"{y_label.capitalize()} does not move with {x_label} "
            f"(rank correlation {spearman:+.2f}, {n:,} products)."
        )
    else:
        direction = "rises" if spearman > 0 else "falls"
        reading = (
            f"There is {strength(spearman)} relation: {y_label} {direction} as "
            f"{x_label} rises (rank correlation {spearman:+.2f}, Pearson "
            f"{pearson:+.2f}, {n:,} products). Correlation is not causation."
        )
    return Relation(n, pearson, spearman, slope, intercept, reading)
