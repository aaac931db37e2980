"""product search: a trigram index over name, brand and id (PostgreSQL)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 01:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The expression db.repo_catalogue.search_products filters on, word by word with ILIKE; a GIN
# trigram index answers `%word%` without reading every row. SQLite has no such index and scans,
# which is fine at the sizes it serves.
SEARCH_TEXT = "lower(product_name || ' ' || coalesce(brand, '') || ' ' || uniq_id)"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        f"CREATE INDEX ix_products_search_trgm ON products USING gin (({SEARCH_TEXT}) gin_trgm_ops)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_products_search_trgm")
