"""Settings come from VITRINE_* variables and the standard DATABASE_URL."""

from __future__ import annotations

import pytest

from dashboard.settings import DEFAULT_DATABASE_URL, Settings


def test_defaults_use_embedded_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert Settings().database_url == DEFAULT_DATABASE_URL


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/vitrine")
    monkeypatch.setenv("VITRINE_MAX_UPLOAD_MB", "2.5")
    settings = Settings()
    # Hosting platforms' postgres:// scheme is turned into one SQLAlchemy accepts.
    assert settings.database_url == "postgresql+psycopg2://u:p@db:5432/vitrine"
    assert settings.max_upload_bytes == int(2.5 * 1024 * 1024)


def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITRINE_MAX_UPLOAD_MB", "-1")
    with pytest.raises(ValueError):
        Settings()
