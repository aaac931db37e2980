"""How often drift alarms on windows like the reference, and how often it catches real shifts.

Draws windows of the size the Drift page reads from the configured instance (run `vitrine demo`
first): reference-like windows of train and validation products (the reference is the test
split, drawn from the same catalogue), and shifted windows of darker, blurred and rotated
photos, of products with their text missing, and of products of one art style only. Every
window goes through the serving predictor and `ml.drift.run_drift`, exactly as `vitrine drift`
does. Prints, per kind of window, the share that raised the dataset verdict (per-column tests,
Holm-corrected), the embedding detector, and either.

    .venv/bin/python benchmarks/drift_false_alarms.py [--windows 50] [--size 60] [--seed 0]
"""

from __future__ import annotations

import argparse
import io
import time
from collections import Counter
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

from dashboard.services.drift import reference_frame
from dashboard.services.prediction import predictor_for
from dashboard.services.state import Services
from dashboard.services.training import catalogue_data
from dashboard.settings import Settings
from ml.demo.catalogue import read_art_sets
from ml.drift import ALPHA, frame, run_drift

Rows = list[tuple[str, dict[str, float]]]
POOL = 240  # products per shifted pool; windows are drawn from it


def _image_shift(change: Callable[[Image.Image, np.random.Generator], Image.Image]):  # type: ignore[no-untyped-def]
    def shifted(data: bytes, rng: np.random.Generator) -> bytes:
        with Image.open(io.BytesIO(data)) as image:
            out = io.BytesIO()
            change(image.convert("RGB"), rng).save(out, "JPEG", quality=85)
            return out.getvalue()

    return shifted


SHIFTS = {
    "darker": _image_shift(
        lambda im, rng: ImageEnhance.Brightness(im).enhance(rng.uniform(0.35, 0.6))
    ),
    "blurred": _image_shift(lambda im, rng: im.filter(ImageFilter.GaussianBlur(rng.uniform(2, 4)))),
    "rotated": _image_shift(
        lambda im, rng: im.rotate(rng.uniform(15, 40), fillcolor=(255, 255, 255))
    ),
}


def _predict(services: Services, images: list[bytes], texts: list[str | None]) -> Rows:
    predictor = predictor_for(services)
    rows: Rows = []
    for start in range(0, len(images), 32):
        batch = predictor.predict_batch(images[start : start + 32], texts[start : start + 32])
        rows += [(p.category, p.drift_features) for p in batch]
    return rows


def pools(services: Services, rng: np.random.Generator) -> dict[str, Rows]:
    """Feature rows per kind of window: each product predicted once, windows drawn from them."""
    data = catalogue_data(services)
    alike = np.concatenate([data.index("train"), data.index("validation")])
    photos = {int(i): data.image_paths[i].read_bytes() for i in alike}
    out = {
        "like the reference": _predict(
            services, [photos[int(i)] for i in alike], [data.texts[i] for i in alike]
        )
    }
    chosen = rng.choice(alike, size=min(POOL, len(alike)), replace=False)
    for name, shift in SHIFTS.items():
        images = [shift(photos[int(i)], rng) for i in chosen]
        out[name] = _predict(services, images, [data.texts[i] for i in chosen])
    out["missing text"] = _predict(services, [photos[int(i)] for i in chosen], [None] * len(chosen))
    art_sets = read_art_sets(services.settings.data_dir / "demo")
    if art_sets:
        counts = Counter(art_sets[data.ids[i]] for i in range(len(data.ids)))
        style = counts.most_common(1)[0][0]
        mine = [i for i in range(len(data.ids)) if art_sets[data.ids[i]] == style]
        out[f"one art style ({style})"] = _predict(
            services,
            [data.image_paths[i].read_bytes() for i in mine],
            [data.texts[i] for i in mine],
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=50, help="windows of each kind")
    parser.add_argument("--size", type=int, default=60, help="predictions per window")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    services = Services.from_settings(Settings())
    reference = reference_frame(services)
    started = time.perf_counter()
    by_kind = pools(services, rng)
    print(
        f"reference: the test split, {len(reference)} products; {args.windows} windows of "
        f"{args.size} predictions per kind; each decision allows {ALPHA:.0%} false alarms "
        f"(features in {time.perf_counter() - started:.0f} s)\n"
    )
    header = f"{'windows':<32} {'dataset verdict':>16} {'embedding':>10} {'either':>8}"
    print(header)
    print("-" * len(header))
    for kind, rows in by_kind.items():
        dataset = embedding = either = 0
        for _ in range(args.windows):
            picked = rng.choice(len(rows), size=min(args.size, len(rows)), replace=False)
            result = run_drift(reference, frame([rows[i] for i in picked]))
            emb = bool((result.summary.get("embedding_drift") or {}).get("drifted"))
            dataset += result.dataset_drift
            embedding += emb
            either += result.dataset_drift or emb
        n = args.windows
        label = "false alarms" if kind == "like the reference" else "detected"
        print(
            f"{kind:<32} {dataset / n:>16.0%} {embedding / n:>10.0%} {either / n:>8.0%}  ({label})"
        )
    print(f"\n{time.perf_counter() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
