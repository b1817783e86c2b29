"""receipt, complaint: traveller receipts (reference + salted commitment) and complaints about them

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=22), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("commitment", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("post_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("screening_date", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("recommendation", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("audit_sequence", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["transaction_id"], ["screening_transaction.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("transaction_id"),
    )
    op.create_index(op.f("ix_receipt_reference"), "receipt", ["reference"], unique=True)
    op.create_table(
        "complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evidence_attached_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("evidence_attached_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("flagged_entries", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["receipt_id"], ["receipt.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_complaint_number"), "complaint", ["number"], unique=True)
    op.create_index(op.f("ix_complaint_receipt_id"), "complaint", ["receipt_id"], unique=False)
    op.create_index(op.f("ix_complaint_deadline"), "complaint", ["deadline"], unique=False)
    op.create_index(op.f("ix_complaint_decision"), "complaint", ["decision"], unique=False)


def downgrade() -> None:
    for index in ("decision", "deadline", "receipt_id", "number"):
        op.drop_index(op.f(f"ix_complaint_{index}"), table_name="complaint")
    op.drop_table("complaint")
    op.drop_index(op.f("ix_receipt_reference"), table_name="receipt")
    op.drop_table("receipt")
