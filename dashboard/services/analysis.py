"""The per-product table behind the bivariate analysis, cached per catalogue state."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PIL import Image

from dashboard.services import imagestore
from dashboard.services.state import Services
from db.engine import session_scope
from db.repo_catalogue import analysis_rows, catalogue_version
from db.repo_predictions import count_predictions, mean_confidence_by_product
from ml.drift_features import image_features

VARIABLES = {
    "retail_price": "retail price (Rs.)",
    "discounted_price": "discounted price (Rs.)",
    "discount_pct": "discount (%)",
    "description_length": "description length (characters)",
    "rating": "rating",
    "image_brightness": "image brightness",
    "prediction_confidence": "prediction confidence",
}
MAX_POINTS = 2000


def _brightness_by_product(services: Services, rows: list[dict], state: tuple) -> dict[str, float]:
    def build() -> dict[str, float]:
        values = {}
        for row in rows:
            path = imagestore.image_path(
                services.settings.data_dir, row["image_sha256"], row["image_file"]
            )
            if path.is_file():
                with Image.open(path) as image:
                    image.draft("RGB", (64, 64))  # brightness needs no full decode
                    values[row["uniq_id"]] = image_features(image, 0)["brightness"]
        return values

    return services.memo.get("analysis.brightness", state, build)


def analysis_frame(services: Services) -> pd.DataFrame:
    with session_scope(services.sessions) as session:
        state = (*catalogue_version(session), count_predictions(session))
        rows = analysis_rows(session)
        confidence = mean_confidence_by_product(session)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=["uniq_id", "category", *VARIABLES])
    brightness = _brightness_by_product(services, rows, state[:2])
    retail = frame["retail_price"].astype(float)
    discounted = frame["discounted_price"].astype(float)
    frame["discount_pct"] = np.where(retail > 0, (1 - discounted / retail) * 100, np.nan)
    frame["image_brightness"] = frame["uniq_id"].map(brightness)
    frame["prediction_confidence"] = frame["uniq_id"].map(confidence)
    return frame[["uniq_id", "category", *VARIABLES]]
