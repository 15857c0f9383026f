"""One person, one identity: the index of people by own token (canonical tax code) and the sealed keep-apart codes.

Revision ID: referrals_0003
Revises: referrals_0002
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "referrals_0003"
down_revision = "referrals_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "referrals_keep_apart_codes",
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("nonce", sa.LargeBinary, nullable=False),
        sa.Column("ciphertext", sa.LargeBinary, nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "referrals_people_by_token",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.String(36), nullable=False, unique=True),
    )


def downgrade() -> None:
    op.drop_table("referrals_people_by_token")
    op.drop_table("referrals_keep_apart_codes")
