"""Load a Flipkart-format catalogue (CSV + Images/) into validated product records.

One loader serves the real Flipkart sample and the generated demo catalogue. It works on paths
and returns plain records; storing them is the caller's business.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from PIL import Image, UnidentifiedImageError

from ml.categories import CATEGORIES

COLUMNS = (
    "uniq_id",
    "crawl_timestamp",
    "product_url",
    "product_name",
    "product_category_tree",
    "pid",
    "retail_price",
    "discounted_price",
    "image",
    "is_FK_Advantage_product",
    "description",
    "product_rating",
    "overall_rating",
    "brand",
    "product_specifications",
)
REQUIRED = ("uniq_id", "product_name", "product_category_tree", "image")
MAX_IMAGE_PIXELS = 40_000_000
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class CatalogueError(ValueError):
    """The file as a whole cannot be read as a Flipkart-format catalogue."""


@dataclass(frozen=True)
class ProductRecord:
    uniq_id: str
    pid: str | None
    product_name: str
    product_url: str | None
    crawl_timestamp: str | None
    category: str
    category_tree: str
    retail_price: float | None
    discounted_price: float | None
    image_file: str
    image_sha256: str
    is_fk_advantage: bool | None
    description: str
    product_rating: float | None
    overall_rating: float | None
    brand: str | None
    specifications: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LoadReport:
    """What loaded, and for each reason what was skipped (ids in file order)."""

    records: list[ProductRecord] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    rows: int = 0

    @property
    def skipped_count(self) -> int:
        return sum(len(ids) for ids in self.skipped.values())


def category_levels(tree: str) -> list[str]:
    """`["A >> B >> C"]` -> ["A", "B", "C"]; tolerant of quoting and whitespace."""
    text = (tree or "").strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
            text = parsed[0] if isinstance(parsed, list) and parsed else ""
        except (json.JSONDecodeError, TypeError):
            text = text.strip('[]"')
    return [level.strip() for level in str(text).split(">>") if level.strip()]


def parse_number(value: str | None) -> float | None:
    """Prices and ratings: '1,299' -> 1299.0; 'No rating available' and '' -> None."""
    text = (value or "").strip().replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number else None  # NaN is not a number a user typed


def parse_bool(value: str | None) -> bool | None:
    text = (value or "").strip().lower()
    return {"true": True, "false": False}.get(text)


def read_csv(path: Path, required: tuple[str, ...] = REQUIRED) -> pd.DataFrame:
    """Every field as text, nothing turned into NaN; quoted newlines and commas survive."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError as exc:
        raise CatalogueError(f"no such file: {path}") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise CatalogueError(f"{path} is not a readable CSV file: {exc}") from exc
    frame.columns = [c.strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise CatalogueError(f"{path} lacks the column(s) {', '.join(missing)}")
    for column in COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    return frame


def image_digest(path: Path) -> str:
    """sha256 of a decodable image file; raises ValueError when it is not a sane image."""
    data = path.read_bytes()
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValueError("too many pixels")
            image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValueError(str(exc)) from exc
    return hashlib.sha256(data).hexdigest()


def load_catalogue(
    csv_path: Path, images_dir: Path, categories: tuple[str, ...] = CATEGORIES
) -> LoadReport:
    """Validate every row; good rows become records, bad ones are counted by reason."""
    frame = read_csv(csv_path)
    images_root = images_dir.resolve()
    report = LoadReport(rows=len(frame))
    seen: set[str] = set()
    for number, row in enumerate(frame.to_dict("records"), start=1):
        uniq_id = row["uniq_id"].strip()
        label = uniq_id or f"row {number}"
        if not uniq_id or not row["product_name"].strip() or not row["image"].strip():
            report.skipped["missing required field"].append(label)
            continue
        if not _SAFE_ID.match(uniq_id):
            report.skipped["malformed uniq_id"].append(label[:64])
            continue
        if uniq_id in seen:
            report.skipped["duplicate uniq_id in file"].append(uniq_id)
            continue
        levels = category_levels(row["product_category_tree"])
        if not levels or levels[0] not in categories:
            report.skipped["unknown category"].append(uniq_id)
            continue
        image_path = (images_root / row["image"].strip()).resolve()
        # The image name comes from the file: it must stay inside the images folder.
        if image_path.parent != images_root or not image_path.is_file():
            report.skipped["missing image"].append(uniq_id)
            continue
        try:
            digest = image_digest(image_path)
        except ValueError:
            report.skipped["undecodable image"].append(uniq_id)
            continue
        seen.add(uniq_id)
        report.records.append(
            ProductRecord(
                uniq_id=uniq_id,
                pid=row["pid"].strip() or None,
                product_name=row["product_name"].strip(),
                product_url=row["product_url"].strip() or None,
                crawl_timestamp=row["crawl_timestamp"].strip() or None,
                category=levels[0],
                category_tree=row["product_category_tree"],
                retail_price=parse_number(row["retail_price"]),
                discounted_price=parse_number(row["discounted_price"]),
                image_file=image_path.name,
                image_sha256=digest,
                is_fk_advantage=parse_bool(row["is_FK_Advantage_product"]),
                description=row["description"],
                product_rating=parse_number(row["product_rating"]),
                overall_rating=parse_number(row["overall_rating"]),
                brand=row["brand"].strip() or None,
                specifications=row["product_specifications"] or None,
            )
        )
    return report
