"""batch jobs: catalogues scored in chunks by Celery workers, and the job each audit row of
theirs belongs to, unique per job and product so a retried chunk records nothing twice

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "batch_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("images_dir", sa.Text(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("chunk_size", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_jobs")),
    )
    op.create_index(op.f("ix_batch_jobs_created_at"), "batch_jobs", ["created_at"])
    op.create_index(op.f("ix_batch_jobs_user_id"), "batch_jobs", ["user_id"])
    # ADD COLUMN and CREATE INDEX alter the append-only audit table in place (its triggers stay,
    # and no row changes).
    op.add_column("predictions", sa.Column("batch_job_id", sa.String(length=32), nullable=True))
    op.create_index(
        "ix_predictions_batch_job_id_product_uniq_id",
        "predictions",
        ["batch_job_id", "product_uniq_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ix_predictions_batch_job_id_product_uniq_id", table_name="predictions")
    op.drop_column("predictions", "batch_job_id")
    op.drop_index(op.f("ix_batch_jobs_user_id"), table_name="batch_jobs")
    op.drop_index(op.f("ix_batch_jobs_created_at"), table_name="batch_jobs")
    op.drop_table("batch_jobs")
