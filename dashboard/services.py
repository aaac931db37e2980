"""What a request needs (settings, database), built once by the app factory."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from dashboard.settings import Settings
from db.engine import make_engine, make_session_factory

EXTENSION_KEY = "vitrine"


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        engine = make_engine(settings.database_url)
        return cls(settings=settings, engine=engine, sessions=make_session_factory(engine))


def install(server: Flask, services: Services) -> None:
    server.extensions[EXTENSION_KEY] = services


def services(app: Flask | None = None) -> Services:
    """The services of the app handling the current request (or of `app`)."""
    flask_app = app or current_app
    return flask_app.extensions[EXTENSION_KEY]
