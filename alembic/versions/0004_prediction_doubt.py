"""record why a prediction needs review and its conformal prediction set

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows written before this revision keep NULL: their doubt was confidence alone.
    with op.batch_alter_table("predictions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("prediction_set", sa.JSON().with_variant(JSONB(), "postgresql"))
        )
        batch_op.add_column(sa.Column("review_reasons", sa.String(128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("predictions", schema=None) as batch_op:
        batch_op.drop_column("review_reasons")
        batch_op.drop_column("prediction_set")
