"""Where the top-level alembic/ and assets/ folders are, from a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # dashboard/


def resource_dir(name: str) -> Path:
    """A checkout (or editable install) has them beside the package; a wheel bundles them."""
    for candidate in (_PACKAGE.parent / name, _PACKAGE / "_bundled" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name}/ folder is missing from this installation")


def migrations_dir() -> Path:
    return resource_dir("alembic")


def assets_dir() -> Path:
    return resource_dir("assets")
