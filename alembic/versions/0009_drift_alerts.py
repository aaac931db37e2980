"""drift alerts: each webhook alert sent (or failed) for a drift report

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drift_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("drift_report_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["drift_report_id"],
            ["drift_reports.id"],
            name=op.f("fk_drift_alerts_drift_report_id_drift_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drift_alerts")),
    )
    op.create_index(op.f("ix_drift_alerts_created_at"), "drift_alerts", ["created_at"])
    op.create_index(op.f("ix_drift_alerts_drift_report_id"), "drift_alerts", ["drift_report_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_drift_alerts_drift_report_id"), table_name="drift_alerts")
    op.drop_index(op.f("ix_drift_alerts_created_at"), table_name="drift_alerts")
    op.drop_table("drift_alerts")
