"""disposition.kiosk_id: the kiosk an officer decided on

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: dispositions recorded before kiosks named their officers came through the API directly.
    op.add_column("disposition", sa.Column("kiosk_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("disposition", "kiosk_id")
