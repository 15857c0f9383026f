"""Projection checkpoints say where a fail-closed projection is stopped.

Revision ID: runtime_0002
Revises: runtime_0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "runtime_0002"
down_revision = "runtime_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projection_checkpoints") as table:
        table.add_column(sa.Column("blocked_at", sa.BigInteger, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("projection_checkpoints") as table:
        table.drop_column("blocked_at")
