"""Model versions: numbering, one active per name, best by validation; SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from db.engine import make_engine, make_session_factory, session_scope
from db.repo_models import activate, active_versions, add_model_version, best_version, next_version


def test_versions_activation_and_best(migrated_url: str) -> None:
    sessions = make_session_factory(make_engine(migrated_url))
    with session_scope(sessions) as session:
        assert next_version(session, "fusion") == 1
        for version, val in ((1, 0.90), (2, 0.95), (3, 0.93)):
            add_model_version(
                session,
                name="fusion",
                version=version,
                artifact_path=f"/a/{version}",
                backbone="b",
                params_count=10,
                metrics={"val_accuracy": val},
            )
        assert next_version(session, "fusion") == 4
        activate(session, "fusion", 1)
        activate(session, "fusion", 3)
    with session_scope(sessions) as session:
        active = active_versions(session)
        assert active["fusion"].version == 3  # activating one deactivates the others
        assert best_version(session, "fusion").version == 2
        assert best_version(session, "vit") is None
        with pytest.raises(LookupError, match="no version 9"):
            activate(session, "fusion", 9)
