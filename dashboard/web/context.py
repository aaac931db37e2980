"""The app's Services, reached from a request: the factory installs them on the Flask app."""

from __future__ import annotations

from flask import Flask, current_app

from dashboard.services.state import Services

EXTENSION_KEY = "vitrine"


def install(server: Flask, services: Services) -> None:
    server.extensions[EXTENSION_KEY] = services


def services(app: Flask | None = None) -> Services:
    """The services of the app handling the current request (or of `app`)."""
    flask_app = app or current_app
    return flask_app.extensions[EXTENSION_KEY]
