"""The images of an uploaded batch job: a ZIP archive unpacked into the job's folder, and only
there. Archives that could do harm are refused, with the reason in words, before anything is
written: members that are links, that name a path outside the folder, that are too big, that
expand far more than images do (a zip bomb), too many of them, or two with one name."""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ml.wording import Phrase

MAX_MEMBERS = 200_000
# JPEG and PNG barely compress; a member that expands 100-fold is no photo.
MAX_RATIO = 100
_READ = 1 << 16


class UploadRefused(ValueError):
    """An upload that cannot be used, said in words."""


def _name(info: zipfile.ZipInfo) -> str:
    """The member's file name, or UploadRefused when it is a link or leaves the folder."""
    name = info.filename
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UploadRefused(Phrase("%(name)s: links are not accepted, only image files", name=name))
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or any(":" in part for part in path.parts):
        raise UploadRefused(Phrase("%(name)s: a path outside the archive's folder", name=name))
    return path.name


def extract_images(
    archive: Path, target: Path, *, member_max_bytes: int, total_max_bytes: int
) -> int:
    """Unpack the files of `archive` into `target` by their base names (the CSV's `image`
    column names them so); how many. Folders inside the archive are flattened."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [i for i in zipped.infolist() if not i.is_dir()]
            if len(members) > MAX_MEMBERS:
                raise UploadRefused(
                    Phrase("more than %(most)s files in the archive", most=format(MAX_MEMBERS, ","))
                )
            names: dict[str, zipfile.ZipInfo] = {}
            total = 0
            for info in members:
                name = _name(info)
                if info.file_size > member_max_bytes:
                    limit = member_max_bytes / 1024 / 1024
                    raise UploadRefused(
                        Phrase(
                            "%(name)s: larger than %(limit)s MB",
                            name=info.filename,
                            limit=format(limit, "g"),
                        )
                    )
                if info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise UploadRefused(
                        Phrase(
                            "%(name)s: expands %(ratio)s times or more (a zip bomb?)",
                            name=info.filename,
                            ratio=MAX_RATIO,
                        )
                    )
                total += info.file_size
                if total > total_max_bytes:
                    limit = total_max_bytes / 1024 / 1024
                    raise UploadRefused(
                        Phrase(
                            "the files add up to more than %(limit)s MB", limit=format(limit, "g")
                        )
                    )
                if name in names:
                    raise UploadRefused(Phrase("two files are named %(name)s", name=name))
                names[name] = info
            target.mkdir(parents=True, exist_ok=True)
            for name, info in names.items():
                _copy(zipped, info, target / name)
    except (
        zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error,
    ) as exc:  # fmt: skip
        raise UploadRefused(
            Phrase("the images file is not a readable ZIP archive (%(why)s)", why=str(exc))
        ) from exc
    return len(names)


def _copy(zipped: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> None:
    """Write one member, stopping at its declared size: a header that lies is refused."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o640)
    written = 0
    with zipped.open(info) as source, os.fdopen(fd, "wb") as out:
        while chunk := source.read(_READ):
            written += len(chunk)
            if written > info.file_size:
                raise UploadRefused(
                    Phrase("%(name)s: larger than its archive entry says", name=info.filename)
                )
            out.write(chunk)
