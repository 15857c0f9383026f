"""Placements read models (candidates, hosts, placements, months) and the audit of personal-data reads.

Revision ID: placements_0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "placements_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "placements_candidates",
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("referral_id", sa.String(36), nullable=False),
        sa.Column("municipality", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(24), nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        sa.Column("interviewed_on", sa.Date),
        sa.Column("competences", sa.JSON, nullable=False),
        sa.Column("esco_skills", sa.JSON, nullable=False),
        sa.Column("preferred_sectors", sa.JSON, nullable=False),
    )
    op.create_table(
        "placements_hosts",
        sa.Column("host_id", sa.String(36), primary_key=True),
        sa.Column("vat_number", sa.String(11), nullable=False),
        sa.Column("site_municipality", sa.String(64), nullable=False),
        sa.Column("sector_code", sa.String(16), nullable=False),
        sa.Column("permanent_headcount", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("places_taken", sa.Integer, nullable=False),
        sa.Column("tutors", sa.JSON, nullable=False),
    )
    op.create_table(
        "placements_placements",
        sa.Column("placement_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("host_id", sa.String(36), nullable=False, index=True),
        sa.Column("municipality", sa.String(64), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("waiting_for", sa.String(40), nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        sa.Column("hours_per_week", sa.Integer, nullable=False),
        sa.Column("objectives", sa.JSON, nullable=False),
        sa.Column("host_tutor_id", sa.String(36)),
        sa.Column("starts_on", sa.Date),
        sa.Column("ends_on", sa.Date),
        sa.Column("monthly_allowance_cents", sa.Integer),
        sa.Column("rule_set_id", sa.String(64)),
        sa.Column("validated_on", sa.Date),
        sa.Column("notices", sa.JSON, nullable=False),
        sa.Column("follow_ups", sa.JSON, nullable=False),
        sa.Column("outcome", sa.String(24)),
    )
    op.create_table(
        "placements_months",
        sa.Column("placement_id", sa.String(36), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("planned_hours", sa.Numeric(7, 2), nullable=False),
        sa.Column("attended_hours", sa.Numeric(7, 2), nullable=False),
        sa.Column("allowance_cents", sa.Integer),
        sa.Column("rule_set_id", sa.String(64)),
        sa.Column("paid_on", sa.Date),
    )
    op.create_table(
        "placements_personal_data_reads",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("partner", sa.String(64), nullable=False),
        sa.Column("what", sa.String(40), nullable=False),
        sa.Column("why", sa.String(200), nullable=False),
        sa.Column("answered", sa.Boolean, nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "placements_personal_data_reads",
        "placements_months",
        "placements_placements",
        "placements_hosts",
        "placements_candidates",
    ):
        op.drop_table(table)
