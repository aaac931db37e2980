"""Real photos as a smoke check of the image-only answer: the sample photos scikit-image ships
(a coffee cup, a cat, an astronaut, a rocket, a clock), sent without text, so the fallback
answers, as the API would. A check that doubt is flagged on photos unlike the icon catalogue,
not a target to tune to. Nothing is recorded in the audit trail.

    .venv/bin/python benchmarks/real_photos.py   # in a folder where `vitrine demo` ran
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from skimage import data

from dashboard.services.prediction import predictor_for
from dashboard.services.state import Services
from dashboard.settings import Settings
from ml.doubt import review_sentence

PHOTOS = {
    "coffee cup": data.coffee,
    "cat": data.chelsea,
    "astronaut": data.astronaut,
    "rocket": data.rocket,
    "clock": data.clock,
}


def _jpeg(pixels: np.ndarray) -> bytes:
    image = Image.fromarray(pixels).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def main() -> None:
    services = Services.from_settings(Settings())
    predictor = predictor_for(services)
    print(f"{'photo':11} {'model':12} {'answer':18} {'conf':>5}  review")
    for name, load in PHOTOS.items():
        answer = predictor.predict(_jpeg(load()), None)
        said = review_sentence(answer.category, answer.prediction_set, answer.review_reasons)
        print(
            f"{name:11} {answer.model:12} {answer.category:18} "
            f"{answer.confidence * 100:4.0f}%  {said}"
        )
    services.engine.dispose()


if __name__ == "__main__":
    main()
