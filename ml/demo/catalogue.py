"""Write a demo catalogue in the Flipkart format: a CSV and an Images/ folder of JPEGs."""

from __future__ import annotations

import csv
import string
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ml.catalogue import COLUMNS
from ml.categories import CATEGORIES
from ml.demo.concepts import concept_of
from ml.demo.photos import Icon, compose_photo, load_pack
from ml.demo.texts import TextNoise, make_text

CSV_NAME = "flipkart_com-ecommerce_sample_1050.csv"
IMAGES_DIR = "Images"
# Side file: which icon set drew each product (the Flipkart columns stay as they are), so
# style shift can be measured by holding one art set out.
ART_SETS = "art_sets.csv"
ART_SET_COLUMNS = ["uniq_id", "art_set", "icon"]
ATTRIBUTION = Path(__file__).with_name("ICON_ATTRIBUTION.md")
PRICE_RANGES = {
    "Watches": (399, 12000),
    "Computers": (299, 45000),
    "Kitchen & Dining": (149, 6000),
    "Home Furnishing": (199, 5000),
    "Home Decor & Festive Needs": (99, 4000),
    "Beauty and Personal Care": (49, 2500),
    "Baby Care": (49, 3000),
}


@dataclass(frozen=True)
class ImageNoise:
    """Knobs that keep the image modality from being perfect."""

    line_art_share: float = 0.5  # same in every category, so style says nothing of the label
    prop_share: float = 0.15  # a small object from another category beside the product


def generate(
    out_dir: Path,
    per_category: int = 150,
    seed: int = 0,
    *,
    text_noise: TextNoise | None = None,
    image_noise: ImageNoise | None = None,
    progress: bool = True,
) -> Path:
    """Write `per_category` products per category under `out_dir`; returns the CSV path."""
    if per_category < 1:
        raise ValueError("per_category must be at least 1")
    text_noise = text_noise or TextNoise()
    image_noise = image_noise or ImageNoise()
    pack = load_pack()
    images = out_dir / IMAGES_DIR
    images.mkdir(parents=True, exist_ok=True)
    jobs = [(c, i) for c, _ in enumerate(CATEGORIES) for i in range(per_category)]
    # Rows in a seeded order, not in blocks per category, as in the real file.
    order = np.random.default_rng([seed, 7]).permutation(len(jobs))
    rows, art_sets = [], []
    for job_index in tqdm(order, desc="demo catalogue", unit="product", disable=not progress):
        category_index, i = jobs[job_index]
        row, icon = _product(
            CATEGORIES[category_index],
            category_index,
            i,
            seed,
            pack,
            images,
            text_noise,
            image_noise,
        )
        rows.append(row)
        art_sets.append({"uniq_id": row["uniq_id"], "art_set": icon.set, "icon": icon.name})
    csv_path = out_dir / CSV_NAME
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    with (out_dir / ART_SETS).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=ART_SET_COLUMNS)
        writer.writeheader()
        writer.writerows(art_sets)
    (out_dir / "ATTRIBUTION.md").write_text(ATTRIBUTION.read_text())
    return csv_path


def read_art_sets(folder: Path) -> dict[str, str]:
    """uniq_id -> art set, from a demo catalogue's side file (empty when it has none)."""
    path = folder / ART_SETS
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["uniq_id"]: row["art_set"] for row in csv.DictReader(handle)}


def _product(
    category: str,
    category_index: int,
    i: int,
    seed: int,
    pack: dict[str, tuple[Icon, ...]],
    images: Path,
    text_noise: TextNoise,
    image_noise: ImageNoise,
) -> tuple[dict[str, str], Icon]:
    rng = np.random.default_rng([seed, category_index, i])
    uniq_id = "".join(rng.choice(list("0123456789abcdef"), size=32))
    pid = category[:3].upper().replace(" ", "X") + "".join(
        rng.choice(list(string.ascii_uppercase + string.digits), size=13)
    )
    low, high = PRICE_RANGES[category]
    retail = int(np.exp(rng.uniform(np.log(low), np.log(high))))
    price = int(retail * rng.uniform(0.4, 1.0))
    style = "line" if rng.random() < image_noise.line_art_share else "emoji"
    candidates = [icon for icon in pack[category] if icon.style == style] or list(pack[category])
    icon = candidates[int(rng.integers(len(candidates)))]
    # The photo shows one thing, and the text names that same thing.
    text = make_text(category, concept_of(category, icon.name), rng, retail, price, text_noise)
    prop = None
    if rng.random() < image_noise.prop_share:
        other = CATEGORIES[(category_index + int(rng.integers(1, len(CATEGORIES)))) % 7]
        # A prop drawn in the same art set, so a photo has one style.
        props = [p for p in pack[other] if p.set == icon.set] or list(pack[other])
        prop = props[int(rng.integers(len(props)))]
    (images / f"{uniq_id}.jpg").write_bytes(compose_photo(icon, rng, prop))

    rated = rng.random() < 0.35
    rating = f"{rng.uniform(2.5, 5.0):.1f}" if rated else "No rating available"
    day = int(rng.integers(1, 29))
    row = {
        "uniq_id": uniq_id,
        "crawl_timestamp": f"2016-0{int(rng.integers(1, 7))}-{day:02d} "
        f"{int(rng.integers(0, 24)):02d}:{int(rng.integers(0, 60)):02d}:00 +0000",
        "product_url": f"http://www.flipkart.com/{_slug(text.name)}/p/itm{uniq_id[:13]}?pid={pid}",
        "product_name": text.name,
        "product_category_tree": text.tree,
        "pid": pid,
        "retail_price": str(retail),
        "discounted_price": str(price),
        "image": f"{uniq_id}.jpg",
        "is_FK_Advantage_product": "True" if rng.random() < 0.1 else "False",
        "description": text.description,
        "product_rating": rating,
        "overall_rating": rating,
        "brand": text.brand if rng.random() < 0.8 else "",
        "product_specifications": text.specifications,
    }
    return row, icon


def _slug(name: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())
