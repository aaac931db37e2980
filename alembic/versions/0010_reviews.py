"""reviews: people's decisions about predictions and catalogue labels, append-only; the
prediction's margin (top probability minus the runner-up's) for the review queue

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_BATCH = 5000


def _margin(probabilities: dict[str, float] | None) -> float | None:
    top = sorted((probabilities or {}).values(), reverse=True)
    if not top:
        return None
    return float(top[0] - (top[1] if len(top) > 1 else 0.0))


def _backfill_margin() -> None:
    """Fill the derived column for rows recorded before it existed. This is the one write the
    append-only rule allows, as a schema change: the triggers are lifted for it and put back in
    the same transaction, and no decided value (category, confidence, ...) changes."""
    bind = op.get_bind()
    predictions = sa.table(
        "predictions",
        sa.column("id", BIG_ID),
        sa.column("probabilities", JSON_TYPE),
        sa.column("margin", sa.Float()),
    )
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE predictions DISABLE TRIGGER predictions_append_only")
    else:
        op.execute("DROP TRIGGER IF EXISTS predictions_no_update")
    last = 0
    while True:
        rows = bind.execute(
            sa.select(predictions.c.id, predictions.c.probabilities)
            .where(predictions.c.id > last)
            .order_by(predictions.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            predictions.update()
            .where(predictions.c.id == sa.bindparam("row_id"))
            .values(margin=sa.bindparam("row_margin")),
            [{"row_id": i, "row_margin": _margin(p)} for i, p in rows],
        )
        last = rows[-1][0]
    if postgres:
        op.execute("ALTER TABLE predictions ENABLE TRIGGER predictions_append_only")
    else:
        op.execute(
            "CREATE TRIGGER predictions_no_update BEFORE UPDATE ON predictions "
            "BEGIN SELECT RAISE(ABORT, 'vitrine: UPDATE on predictions refused: "
            "the audit trail is append-only'); END"
        )


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
    op.add_column("predictions", sa.Column("margin", sa.Float(), nullable=True))
    _backfill_margin()
    op.create_index(op.f("ix_predictions_margin"), "predictions", ["margin"])
    op.create_table(
        "reviews",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("prediction_id", BIG_ID, nullable=True),
        sa.Column("product_uniq_id", sa.String(length=64), nullable=True),
        sa.Column("model_name", sa.String(length=32), nullable=True),
        sa.Column("model_version", sa.Integer(), nullable=True),
        sa.Column("shown_category", sa.String(length=64), nullable=False),
        sa.Column("shown_confidence", sa.Float(), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["prediction_id"],
            ["predictions.id"],
            name=op.f("fk_reviews_prediction_id_predictions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    for column in ("created_at", "user_id", "prediction_id", "product_uniq_id"):
        op.create_index(op.f(f"ix_reviews_{column}"), "reviews", [column])
    _append_only("reviews")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS reviews_no_truncate ON reviews")
        op.execute("DROP TRIGGER IF EXISTS reviews_append_only ON reviews")
    else:
        op.execute("DROP TRIGGER IF EXISTS reviews_no_update")
        op.execute("DROP TRIGGER IF EXISTS reviews_no_delete")
    for column in ("product_uniq_id", "prediction_id", "user_id", "created_at"):
        op.drop_index(op.f(f"ix_reviews_{column}"), table_name="reviews")
    op.drop_table("reviews")
    op.drop_index(op.f("ix_predictions_margin"), table_name="predictions")
    # Not batch mode: copying the table on SQLite would lose its append-only triggers
    # (SQLite 3.35+ drops an unindexed column in place).
    op.drop_column("predictions", "margin")
