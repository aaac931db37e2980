"""Repository queries give the same answers on SQLite and PostgreSQL."""

from __future__ import annotations

from db.engine import make_engine, make_session_factory, session_scope
from db.models import ModelVersion, Product
from db.repo_catalogue import get_product, product_categories, product_splits
from db.repo_models import active_versions, list_model_versions


def _product(uniq_id: str, category: str, split: str) -> Product:
    return Product(
        uniq_id=uniq_id,
        product_name=f"Product {uniq_id}",
        category=category,
        category_tree=f'["{category} >> Something"]',
        image_file=f"{uniq_id}.jpg",
        image_sha256="0" * 64,
        description='A description, with "quotes"\nand a newline.',
        split=split,
    )


def test_catalogue_counts(migrated_url: str) -> None:
    sessions = make_session_factory(make_engine(migrated_url))
    with session_scope(sessions) as session:
        assert product_categories(session) == {}
        session.add_all(
            [
                _product("a1", "Watches", "train"),
                _product("a2", "Watches", "test"),
                _product("b1", "Computers", "train"),
            ]
        )
    with session_scope(sessions) as session:
        assert product_categories(session) == {"a1": "Watches", "a2": "Watches", "b1": "Computers"}
        assert product_splits(session) == {"a1": "train", "a2": "test", "b1": "train"}
        found = get_product(session, "a2")
        assert found is not None and found.category == "Watches"
        assert found.description.endswith("newline.")
        assert get_product(session, "missing") is None


def test_model_versions_listing_and_active(migrated_url: str) -> None:
    sessions = make_session_factory(make_engine(migrated_url))
    with session_scope(sessions) as session:
        session.add_all(
            [
                ModelVersion(
                    name="fusion", version=1, artifact_path="/a/1", metrics={"accuracy": 0.8}
                ),
                ModelVersion(
                    name="fusion",
                    version=2,
                    artifact_path="/a/2",
                    is_active=True,
                    metrics={"accuracy": 0.9},
                ),
                ModelVersion(name="vit", version=1, artifact_path="/b/1", is_active=True),
            ]
        )
    with session_scope(sessions) as session:
        listed = [(mv.name, mv.version) for mv in list_model_versions(session)]
        assert listed == [("fusion", 2), ("fusion", 1), ("vit", 1)]
        active = active_versions(session)
        assert {name: mv.version for name, mv in active.items()} == {"fusion": 2, "vit": 1}
        assert active["fusion"].metrics["accuracy"] == 0.9
