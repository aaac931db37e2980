"""Vitrine's application: Flask server, Dash pages, REST API and CLI (the composition root)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vitrine")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0.0.0"
