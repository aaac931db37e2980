"""Product images, stored by content hash under the data directory (never a user-chosen path)."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
SUFFIXES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


def image_path(data_dir: Path, sha256: str, original_name: str) -> Path:
    if not _SHA256.match(sha256):
        raise ValueError("not a sha256 digest")
    suffix = Path(original_name).suffix.lower()
    suffix = suffix if suffix in SUFFIXES else ".img"
    return data_dir / "images" / sha256[:2] / f"{sha256}{suffix}"


def store(data_dir: Path, source: Path, sha256: str) -> Path:
    """Copy `source` into the store once; identical images share one file."""
    target = image_path(data_dir, sha256, source.name)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(source, tmp)
        tmp.replace(target)
    return target


def store_bytes(data_dir: Path, data: bytes, sha256: str) -> Path:
    """Keep accepted upload bytes once, by content hash (".img": its type was checked)."""
    target = image_path(data_dir, sha256, "upload.img")
    if target.exists():
        target.touch()  # used again: retention counts from the latest use
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(target)
    return target


def find(data_dir: Path, sha256: str) -> Path | None:
    """The stored file of an image hash, whatever its suffix."""
    folder = data_dir / "images" / sha256[:2]
    for suffix in (*SUFFIXES, ".img"):
        candidate = folder / f"{sha256}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def mimetype(path: Path) -> str:
    return SUFFIXES.get(path.suffix, "application/octet-stream")


@dataclass(frozen=True)
class StoredImage:
    path: Path
    sha256: str
    size: int
    used_at: float  # the file's modification time: stored or last used


def stored_images(data_dir: Path) -> list[StoredImage]:
    """Every image in the store, oldest use first."""
    found = []
    for path in (data_dir / "images").glob("??/*"):
        if path.is_file() and _SHA256.match(path.stem):
            stat = path.stat()
            found.append(StoredImage(path, path.stem, stat.st_size, stat.st_mtime))
    return sorted(found, key=lambda image: image.used_at)
