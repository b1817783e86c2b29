"""login_failure: failed logins counted per client address and per (account, address)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("account_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_failure_address_failed_at", "login_failure", ["address", "failed_at"], unique=False)
    op.create_index(op.f("ix_login_failure_failed_at"), "login_failure", ["failed_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_login_failure_failed_at"), table_name="login_failure")
    op.drop_index("ix_login_failure_address_failed_at", table_name="login_failure")
    op.drop_table("login_failure")
