"""The consortium's restricted events about the municipality's people (clearances, refusals) in their own timeline table.

Revision ID: referrals_0002
Revises: referrals_0001
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "referrals_0002"
down_revision = "referrals_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "referrals_timeline_consortium_restricted",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("referrals_timeline_consortium_restricted")
