"""Test helpers: the hand-written quirky CSV with its images, and small demo catalogues."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image

DATA = Path(__file__).parent / "data"
QUIRKS_CSV = DATA / "flipkart_quirks.csv"
GOOD_IMAGES = [
    "55b85ea15a1536d46b7190ad6fff8ce7.jpg",
    "7b72c92c2f6c40268628ec5f14c6d590.jpg",
    "64d5d4a258243731dc7bbb1eef49ad74.jpg",
]


def quirks_catalogue(root: Path) -> tuple[Path, Path]:
    """Copy the quirky CSV and make its images: three good, one truncated, one outside."""
    images = root / "Images"
    images.mkdir(parents=True)
    for index, name in enumerate(GOOD_IMAGES):
        Image.new("RGB", (64, 48), (40 * index, 120, 200)).save(images / name, "JPEG")
    (images / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    Image.new("RGB", (8, 8)).save(root / "secret.jpg", "JPEG")
    csv_path = root / QUIRKS_CSV.name
    shutil.copyfile(QUIRKS_CSV, csv_path)
    return csv_path, images
