"""disposition_conflict: decisions refused because the transaction already had a different one

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "disposition_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("officer", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kiosk_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("reason_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["transaction_id"], ["screening_transaction.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_disposition_conflict_transaction_id"), "disposition_conflict", ["transaction_id"], unique=False
    )
    op.create_index(op.f("ix_disposition_conflict_reviewed_at"), "disposition_conflict", ["reviewed_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_disposition_conflict_reviewed_at"), table_name="disposition_conflict")
    op.drop_index(op.f("ix_disposition_conflict_transaction_id"), table_name="disposition_conflict")
    op.drop_table("disposition_conflict")
