"""Vault, read audit and read models of the referrals service.

Revision ID: referrals_0001
Revises:
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "referrals_0001"
down_revision = None
branch_labels = None
depends_on = None


def _timeline(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )


def upgrade() -> None:
    op.create_table(
        "referrals_vault",
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("nonce", sa.LargeBinary, nullable=False),
        sa.Column("ciphertext", sa.LargeBinary, nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "referrals_personal_data_reads",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("partner", sa.String(63), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("fields", sa.String(200), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "referrals_caseload",
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("social_worker_id", sa.String(64), nullable=False, index=True),
        sa.Column("district", sa.String(63)),
        sa.Column("age_band", sa.String(16), nullable=False),
        sa.Column("gender", sa.String(16), nullable=False),
        sa.Column("referral_status", sa.String(16)),
        sa.Column("erased", sa.Boolean, nullable=False),
        sa.Column("registered_on", sa.Date, nullable=False),
    )
    op.create_table(
        "referrals_by_status",
        sa.Column("referral_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("district", sa.String(63)),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("reason", sa.String(40)),
        sa.Column("submitted_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date),
    )
    _timeline("referrals_timeline_local")
    _timeline("referrals_timeline_consortium")


def downgrade() -> None:
    for name in (
        "referrals_timeline_consortium",
        "referrals_timeline_local",
        "referrals_by_status",
        "referrals_caseload",
        "referrals_personal_data_reads",
        "referrals_vault",
    ):
        op.drop_table(name)
