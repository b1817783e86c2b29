"""exchange: partner centres, agreements, seen nonces, queries received and sent, hit references, follow-ups

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("query_kinds", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("daily_quota", sa.Integer(), nullable=False),
        sa.Column("legal_basis", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("max_fpir", sa.Float(), nullable=False),
        sa.Column("followup_fields", sa.JSON(), nullable=False),
        sa.Column("kiosk_queries", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_exchange_agreement_partner_id"), "exchange_agreement", ["partner_id"], unique=True)
    op.create_index(op.f("ix_exchange_agreement_updated_at"), "exchange_agreement", ["updated_at"], unique=False)
    op.create_table(
        "exchange_followup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("followup_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("partner_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("hit_reference", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("legal_basis", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("decision_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("request_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("answer_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("direction", "partner_id", "followup_id"),
    )
    op.create_index(op.f("ix_exchange_followup_created_at"), "exchange_followup", ["created_at"], unique=False)
    op.create_index(op.f("ix_exchange_followup_followup_id"), "exchange_followup", ["followup_id"], unique=False)
    op.create_index(op.f("ix_exchange_followup_partner_id"), "exchange_followup", ["partner_id"], unique=False)
    op.create_index(op.f("ix_exchange_followup_status"), "exchange_followup", ["status"], unique=False)
    op.create_table(
        "exchange_hit_reference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("partner_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("entry_key", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("band", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_exchange_hit_reference_created_at"), "exchange_hit_reference", ["created_at"], unique=False
    )
    op.create_index(
        op.f("ix_exchange_hit_reference_partner_id"), "exchange_hit_reference", ["partner_id"], unique=False
    )
    op.create_index(op.f("ix_exchange_hit_reference_reference"), "exchange_hit_reference", ["reference"], unique=True)
    op.create_table(
        "exchange_nonce",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("nonce", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sender", "nonce"),
    )
    op.create_index(op.f("ix_exchange_nonce_seen_at"), "exchange_nonce", ["seen_at"], unique=False)
    op.create_table(
        "exchange_partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("base_url", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_exchange_partner_created_at"), "exchange_partner", ["created_at"], unique=False)
    op.create_index(op.f("ix_exchange_partner_partner_id"), "exchange_partner", ["partner_id"], unique=True)
    op.create_table(
        "exchange_received",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("request_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("query_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_exchange_received_partner_id"), "exchange_received", ["partner_id"], unique=False)
    op.create_index(op.f("ix_exchange_received_received_at"), "exchange_received", ["received_at"], unique=False)
    op.create_table(
        "exchange_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("partner_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("hit_reference", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("band", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("request_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("answer_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("transaction_id", sa.Integer(), nullable=True),
        sa.Column("query", sa.JSON(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_exchange_sent_created_at"), "exchange_sent", ["created_at"], unique=False)
    op.create_index(op.f("ix_exchange_sent_partner_id"), "exchange_sent", ["partner_id"], unique=False)
    op.create_index(op.f("ix_exchange_sent_query_id"), "exchange_sent", ["query_id"], unique=True)
    op.create_index(op.f("ix_exchange_sent_status"), "exchange_sent", ["status"], unique=False)
    op.create_index(op.f("ix_exchange_sent_transaction_id"), "exchange_sent", ["transaction_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_exchange_sent_transaction_id"), table_name="exchange_sent")
    op.drop_index(op.f("ix_exchange_sent_status"), table_name="exchange_sent")
    op.drop_index(op.f("ix_exchange_sent_query_id"), table_name="exchange_sent")
    op.drop_index(op.f("ix_exchange_sent_partner_id"), table_name="exchange_sent")
    op.drop_index(op.f("ix_exchange_sent_created_at"), table_name="exchange_sent")
    op.drop_table("exchange_sent")
    op.drop_index(op.f("ix_exchange_received_received_at"), table_name="exchange_received")
    op.drop_index(op.f("ix_exchange_received_partner_id"), table_name="exchange_received")
    op.drop_table("exchange_received")
    op.drop_index(op.f("ix_exchange_partner_partner_id"), table_name="exchange_partner")
    op.drop_index(op.f("ix_exchange_partner_created_at"), table_name="exchange_partner")
    op.drop_table("exchange_partner")
    op.drop_index(op.f("ix_exchange_nonce_seen_at"), table_name="exchange_nonce")
    op.drop_table("exchange_nonce")
    op.drop_index(op.f("ix_exchange_hit_reference_reference"), table_name="exchange_hit_reference")
    op.drop_index(op.f("ix_exchange_hit_reference_partner_id"), table_name="exchange_hit_reference")
    op.drop_index(op.f("ix_exchange_hit_reference_created_at"), table_name="exchange_hit_reference")
    op.drop_table("exchange_hit_reference")
    op.drop_index(op.f("ix_exchange_followup_status"), table_name="exchange_followup")
    op.drop_index(op.f("ix_exchange_followup_partner_id"), table_name="exchange_followup")
    op.drop_index(op.f("ix_exchange_followup_followup_id"), table_name="exchange_followup")
    op.drop_index(op.f("ix_exchange_followup_created_at"), table_name="exchange_followup")
    op.drop_table("exchange_followup")
    op.drop_index(op.f("ix_exchange_agreement_updated_at"), table_name="exchange_agreement")
    op.drop_index(op.f("ix_exchange_agreement_partner_id"), table_name="exchange_agreement")
    op.drop_table("exchange_agreement")
