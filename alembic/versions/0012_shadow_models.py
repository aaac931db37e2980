"""shadow models: a version that scores live predictions beside the active one, its answers
(append-only), and a record of who activated, shadowed or promoted which version

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
APPEND_ONLY = ("shadow_answers", "model_events")


def _append_only(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        # The function of revision 0006 names the table it refuses.
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION vitrine_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION vitrine_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'vitrine: {event} on {table} refused: "
            "the audit trail is append-only'); END"
        )


def upgrade() -> None:
    op.add_column(
        "model_versions",
        sa.Column("is_shadow", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table(
        "shadow_answers",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prediction_id", BIG_ID, nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("model_name", sa.String(length=32), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("probabilities", JSON_TYPE, nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("prediction_set", JSON_TYPE, nullable=False),
        sa.Column("review_reasons", sa.String(length=128), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["prediction_id"],
            ["predictions.id"],
            name=op.f("fk_shadow_answers_prediction_id_predictions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name=op.f("fk_shadow_answers_model_version_id_model_versions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shadow_answers")),
        sa.UniqueConstraint("prediction_id", name=op.f("uq_shadow_answers_prediction_id")),
    )
    op.create_index(op.f("ix_shadow_answers_created_at"), "shadow_answers", ["created_at"])
    op.create_index(
        op.f("ix_shadow_answers_model_version_id"), "shadow_answers", ["model_version_id"]
    )
    op.create_table(
        "model_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("model_name", sa.String(length=32), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("replaced_version", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_events")),
    )
    op.create_index(op.f("ix_model_events_created_at"), "model_events", ["created_at"])
    op.create_index(op.f("ix_model_events_model_name"), "model_events", ["model_name"])
    for table in APPEND_ONLY:
        _append_only(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    op.drop_index(op.f("ix_model_events_model_name"), table_name="model_events")
    op.drop_index(op.f("ix_model_events_created_at"), table_name="model_events")
    op.drop_table("model_events")
    op.drop_index(op.f("ix_shadow_answers_model_version_id"), table_name="shadow_answers")
    op.drop_index(op.f("ix_shadow_answers_created_at"), table_name="shadow_answers")
    op.drop_table("shadow_answers")
    # In place (SQLite 3.35+), as in revision 0010: a batch copy would meet the tables whose
    # foreign keys name model_versions.
    op.drop_column("model_versions", "is_shadow")
