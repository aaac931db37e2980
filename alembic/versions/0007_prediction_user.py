"""who made each prediction: the account's id and name (viewers see only their own)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain columns, no foreign key: removing an account must not touch the append-only audit
    # trail (a cascade would UPDATE it), and ids are never reused, so the id keeps its meaning.
    # Rows from before, and from the open demo or the CLI, have NULL.
    op.add_column("predictions", sa.Column("user_id", sa.Integer(), nullable=True))
    op.add_column("predictions", sa.Column("username", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_predictions_user_id"), "predictions", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_predictions_user_id"), table_name="predictions")
    # Not batch mode: rebuilding the table on SQLite would drop revision 0006's triggers.
    # SQLite (3.35+) drops a column in place.
    op.drop_column("predictions", "username")
    op.drop_column("predictions", "user_id")
