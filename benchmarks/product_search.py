"""Product search at catalogue scale on PostgreSQL: db.repo_catalogue.search_products (what
GET /api/products and the Predict and Similar pages run) over bulk-generated products, with
revision 0008's trigram index and without it, side by side.

    .venv/bin/python benchmarks/product_search.py [--products 100000]
        [--server postgresql+psycopg2://postgres@127.0.0.1:5432/test] [--keep]

Names are drawn inside PostgreSQL (generate_series) from a brand, an adjective and a product
type, Flipkart-style; ids are md5 hex like the real catalogue's. Goal (#22): under 50 ms.
"""

from __future__ import annotations

import argparse
import time

from scratch_db import scratch_database, timed
from sqlalchemy import text

from db.engine import make_engine, make_session_factory, session_scope
from db.repo_catalogue import search_products
from ml.categories import CATEGORIES

DATABASE = "vitrine_bench_search"
BRANDS = [
    "Titan", "Fastrack", "Sonata", "Casio", "Timex", "Milton", "Prestige", "Borosil", "Pigeon",
    "Cello", "Raymond", "Bombay Dyeing", "Spaces", "Portico", "Story@Home", "Lakme", "Nivea",
    "Himalaya", "Philips", "Braun", "Gillette", "HP", "Dell", "Lenovo", "Logitech", "SanDisk",
    "Kingston", "Mee Mee", "Chicco", "Pigeon Baby", "Johnson's", "Archies", "Ajanta", "Jaipur",
    "eCraftIndia", "Bharat", "Swayam", "Vishal", "Elegance", "Sathiyas",
]  # fmt: skip
ADJECTIVES = [
    "Analog", "Digital", "Cotton", "Steel", "Ceramic", "Wooden", "Polyester", "Printed",
    "Floral", "Abstract", "Designer", "Premium", "Deluxe", "Classic", "Smart", "Wireless",
    "Portable", "Soft", "Stainless", "Glass", "Handmade", "Organic", "Gold", "Silver",
    "Multicolor", "Blue", "Red", "Black", "White", "Green",
]  # fmt: skip
TYPES = [
    "Watch", "Wrist Watch", "Smartwatch", "Bottle", "Mug", "Pressure Cooker", "Dinner Set",
    "Bedsheet", "Curtain", "Cushion Cover", "Towel", "Lipstick", "Hair Dryer", "Trimmer",
    "Face Wash", "Laptop Skin", "Mouse", "Pen Drive", "Keyboard", "Baby Bottle", "Diaper",
    "Baby Mittens", "Showpiece", "Wall Clock", "Candle", "Rangoli", "Idol", "Lamp",
]  # fmt: skip
FILL = """
INSERT INTO products (uniq_id, pid, product_name, category, category_tree, image_file,
    image_sha256, description, brand, split, created_at, updated_at)
SELECT md5(g::text), NULL,
       b || ' ' || a || ' ' || t || ' ' || (g % 997)::text,
       c, '["' || c || ' >> x"]', md5(g::text) || '.jpg', md5('i' || g), '', b,
       (ARRAY['train', 'validation', 'test'])[1 + (g % 3)], now(), now()
FROM (
    SELECT g,
           (:brands)[1 + (g * 7 % cardinality(:brands))] AS b,
           (:adjectives)[1 + (g * 13 % cardinality(:adjectives))] AS a,
           (:types)[1 + (g * 17 % cardinality(:types))] AS t,
           (:categories)[1 + (g % cardinality(:categories))] AS c
    FROM generate_series(1, :products) AS g
) AS s
"""
CASES: dict[str, dict[str, str]] = {
    "a brand (titan)": {"query": "titan"},
    "two words (cotton towel)": {"query": "cotton towel"},
    "three words (steel pressure cooker)": {"query": "steel pressure cooker"},
    "a type (mug)": {"query": "mug"},
    "8 characters of an id": {"query": "c4ca4238"},
    "a whole id": {"query": "c4ca4238a0b923820dcc509a6f75849b"},
    "nothing matches (zzyzx)": {"query": "zzyzx"},
    "a category, no words": {"query": "", "category": "Watches"},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--server", default="postgresql+psycopg2://postgres@127.0.0.1:5432/test")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database.")
    args = parser.parse_args()
    with scratch_database(args.server, DATABASE, args.keep) as url:
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(
                text(FILL),
                {
                    "products": args.products,
                    "brands": BRANDS,
                    "adjectives": ADJECTIVES,
                    "types": TYPES,
                    "categories": list(CATEGORIES),
                },
            )
            conn.execute(text("ANALYZE products"))
        print(f"{args.products:,} products on PostgreSQL, loaded and indexed in "
              f"{time.perf_counter() - started:.1f} s\n")  # fmt: skip
        results: dict[str, dict[str, tuple[float, float, int]]] = {}
        for setting in ("trigram index", "no index (sequential scan)"):
            if setting.startswith("no index"):
                with engine.begin() as conn:
                    conn.execute(text("DROP INDEX ix_products_search_trgm"))
            with session_scope(sessions) as session:
                for name, case in CASES.items():
                    query, category = case["query"], case.get("category")

                    def run(q: str = query, c: str | None = category) -> int:
                        return search_products(session, q, category=c, limit=20)[0]

                    results.setdefault(name, {})[setting] = (*timed(run, repeat=15), run())
        print(f"{'search (20 per page, with its count)':<38} {'matching':>9} "
              f"{'index p50':>10} {'p95':>7} {'no index p50':>13} {'p95':>7}")  # fmt: skip
        for name, by in results.items():
            (p50, p95, matching), (s50, s95, _) = (
                by["trigram index"],
                by["no index (sequential scan)"],
            )
            print(f"{name:<38} {matching:>9,} {p50:>8.1f}ms {p95:>5.1f}ms "
                  f"{s50:>11.1f}ms {s95:>5.1f}ms")  # fmt: skip
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
