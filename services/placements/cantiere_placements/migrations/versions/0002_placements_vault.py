"""The placements vault: first names for the hosts' pages, encrypted at rest.

Revision ID: placements_0002
Revises: placements_0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "placements_0002"
down_revision = "placements_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "placements_vault",
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("nonce", sa.LargeBinary, nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("placements_vault")
