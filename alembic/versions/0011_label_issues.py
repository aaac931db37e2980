"""label issues: catalogue products whose given label a model version's answers contradict

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "label_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("catalogue_size", sa.Integer(), nullable=False),
        sa.Column("catalogue_updated", sa.String(length=40), nullable=False),
        sa.Column("product_uniq_id", sa.String(length=64), nullable=False),
        sa.Column("given_category", sa.String(length=64), nullable=False),
        sa.Column("suggested_category", sa.String(length=64), nullable=False),
        sa.Column("quality", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("probabilities", JSON_TYPE, nullable=False),
        sa.Column("neighbours", JSON_TYPE, nullable=False),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name=op.f("fk_label_issues_model_version_id_model_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_issues")),
        sa.UniqueConstraint(
            "model_version_id",
            "product_uniq_id",
            name=op.f("uq_label_issues_model_version_id_product_uniq_id"),
        ),
    )
    op.create_index(
        op.f("ix_label_issues_model_version_id"), "label_issues", ["model_version_id"]
    )
    op.create_index(op.f("ix_label_issues_product_uniq_id"), "label_issues", ["product_uniq_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_label_issues_product_uniq_id"), table_name="label_issues")
    op.drop_index(op.f("ix_label_issues_model_version_id"), table_name="label_issues")
    op.drop_table("label_issues")
