"""search_products on SQLite and PostgreSQL: every word, any case, name, brand or id; the
exact id first; filters and paging; the trigram index on PostgreSQL answers it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text

from dashboard.web.resources import migrations_dir
from db import migrations
from db.engine import make_engine, make_session_factory, session_scope
from db.models import Product
from db.repo_catalogue import SEARCH_TEXT, search_products, upsert_products


def _row(uid: str, name: str, brand: str | None, category: str, split: str) -> dict[str, Any]:
    return {
        "uniq_id": uid,
        "product_name": name,
        "brand": brand,
        "category": category,
        "category_tree": f'["{category} >> x"]',
        "split": split,
        "description": "",
        "image_file": f"{uid}.jpg",
        "image_sha256": uid.ljust(64, "0"),
    }


ROWS = [
    _row("a1b2c3d4", "Titan Analog Watch for Men", "Titan", "Watches", "train"),
    _row("a1b2c3d5", "Fastrack Digital WATCH", "Fastrack", "Watches", "test"),
    _row("ff00ee11", "Steel Water Bottle 100% leak-proof", "Milton", "Kitchen & Dining", "test"),
    _row("99887766", "Baby bottle, anti-colic", None, "Baby Care", "train"),
    _row("watch123", "Wall clock", "Ajanta", "Home Decor & Festive Needs", "validation"),
]


def _search(url: str, query: str = "", **kwargs: Any) -> tuple[int, list[str]]:
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        total, found = search_products(session, query, **kwargs)
        ids = [p.uniq_id for p in found]
    engine.dispose()
    return total, ids


def test_search_finds_every_word_in_name_brand_or_id(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    with session_scope(make_session_factory(engine)) as session:
        upsert_products(session, ROWS)
    engine.dispose()

    total, ids = _search(migrated_url, "watch")
    assert total == 3 and set(ids) == {"a1b2c3d4", "a1b2c3d5", "watch123"}  # name or id
    assert _search(migrated_url, "WATCH titan")[1] == ["a1b2c3d4"]  # every word, any case
    assert _search(migrated_url, "milton")[1] == ["ff00ee11"]  # the brand
    assert _search(migrated_url, "c3d")[1] == ["a1b2c3d5", "a1b2c3d4"]  # part of the id, by name
    assert _search(migrated_url, "watch123")[1][0] == "watch123"  # the exact id first
    assert _search(migrated_url, "(milton),")[1] == ["ff00ee11"]  # punctuation as typed
    assert _search(migrated_url, "100%")[1] == ["ff00ee11"]
    # % and _ inside a word are characters, not LIKE's wildcards ("100% leak", "a1b2").
    assert _search(migrated_url, "0%l")[0] == 0
    assert _search(migrated_url, "a_b")[0] == 0
    assert _search(migrated_url, "bottle", category="Baby Care")[1] == ["99887766"]
    assert _search(migrated_url, "watch", split="test")[1] == ["a1b2c3d5"]
    assert _search(migrated_url, "nothing like it") == (0, [])
    total, first = _search(migrated_url, "", limit=2)
    assert total == 5 and len(first) == 2
    assert _search(migrated_url, "", limit=2, offset=4)[1] not in (first, [])


def test_postgres_answers_search_from_the_trigram_index(postgres_url: str) -> None:
    migrations.upgrade(postgres_url, migrations_dir())
    engine = make_engine(postgres_url)
    with engine.begin() as conn:
        indexes = conn.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_products_search_trgm'")
        ).scalars().all()
        assert len(indexes) == 1 and "gin_trgm_ops" in indexes[0]
        # With sequential scans priced out, the plan for a search uses the index: the query's
        # expression is the indexed one.
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        stmt = select(Product.uniq_id).where(SEARCH_TEXT.like("%watch%"))
        compiled = stmt.compile(engine, compile_kwargs={"literal_binds": True})
        plan = "\n".join(conn.execute(text(f"EXPLAIN {compiled}")).scalars())
    engine.dispose()
    assert "ix_products_search_trgm" in plan, plan
