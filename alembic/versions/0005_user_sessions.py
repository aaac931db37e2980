"""server-side sessions, and user ids that are never reused (SQLite AUTOINCREMENT)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _recreate_users(autoincrement: bool) -> None:
    """SQLite only adds AUTOINCREMENT by rebuilding the table. Dropping the old one with foreign
    keys on cascades to api_tokens, so the tokens are kept aside and put back."""
    op.execute("CREATE TEMPORARY TABLE _kept_tokens AS SELECT * FROM api_tokens")
    with op.batch_alter_table(
        "users", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass
    op.execute("DELETE FROM api_tokens")
    op.execute("INSERT INTO api_tokens SELECT * FROM _kept_tokens")
    op.execute("DROP TABLE _kept_tokens")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _recreate_users(autoincrement=True)
    # PostgreSQL's sequences never hand out an id twice; nothing to do there.
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("key_sha256", name=op.f("uq_user_sessions_key_sha256")),
    )
    op.create_index(op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"])
    op.create_index(op.f("ix_user_sessions_expires_at"), "user_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_user_sessions_expires_at"), table_name="user_sessions")
    op.drop_index(op.f("ix_user_sessions_user_id"), table_name="user_sessions")
    op.drop_table("user_sessions")
    if op.get_bind().dialect.name == "sqlite":
        _recreate_users(autoincrement=False)
