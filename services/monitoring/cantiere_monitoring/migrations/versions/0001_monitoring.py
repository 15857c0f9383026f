"""Read models of the monitoring service: person journeys, follow-ups, attendance, allowances, consent, hosts.

Revision ID: monitoring_0001
Revises:
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "monitoring_0001"
down_revision = None
branch_labels = None
depends_on = None

ID = 36
CODE = 63


def upgrade() -> None:
    op.create_table(
        "monitoring_person_journeys",
        sa.Column("person_id", sa.String(ID), primary_key=True),
        sa.Column("municipality", sa.String(CODE)),
        sa.Column("district", sa.String(CODE)),
        sa.Column("age_band", sa.String(16)),
        *(sa.Column(name, sa.Date) for name in ("referred_on", "accepted_on", "declined_on")),
        sa.Column("decline_reason", sa.String(40)),
        *(sa.Column(name, sa.Date) for name in ("intake_done_on", "matched_on", "agreement_signed_on")),
        sa.Column("internship_id", sa.String(ID)),
        sa.Column("host_id", sa.String(ID)),
        sa.Column("sector_code", sa.String(16)),
        *(sa.Column(name, sa.Date) for name in ("started_on", "planned_end_on", "suspended_on")),
        sa.Column("ever_suspended", sa.Boolean, nullable=False),
        sa.Column("suspension_reason", sa.String(40)),
        sa.Column("interrupted_on", sa.Date),
        sa.Column("interruption_reason", sa.String(40)),
        sa.Column("completed_on", sa.Date),
        sa.Column("outcome", sa.String(40)),
        sa.Column("contract_type", sa.String(40)),
        sa.Column("attested_on", sa.Date),
        sa.Column("closed_on", sa.Date),
    )
    op.create_table(
        "monitoring_follow_ups",
        sa.Column("person_id", sa.String(ID), primary_key=True),
        sa.Column("month", sa.Integer, primary_key=True),
        sa.Column("employed", sa.Boolean, nullable=False),
        sa.Column("contract_type", sa.String(40)),
        sa.Column("recorded_on", sa.Date, nullable=False),
    )
    op.create_table(
        "monitoring_attendance_months",
        sa.Column("internship_id", sa.String(ID), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("person_id", sa.String(ID), nullable=False, index=True),
        sa.Column("planned_centihours", sa.Integer, nullable=False),
        sa.Column("attended_centihours", sa.Integer, nullable=False),
    )
    op.create_table(
        "monitoring_allowances_paid",
        sa.Column("internship_id", sa.String(ID), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("person_id", sa.String(ID), nullable=False, index=True),
        sa.Column("amount_cents", sa.Integer, nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
    )
    op.create_table(
        "monitoring_statistics_consent",
        sa.Column("person_id", sa.String(ID), primary_key=True),
        sa.Column("given", sa.Boolean, nullable=False),
        sa.Column("erased", sa.Boolean, nullable=False),
    )
    op.create_table(
        "monitoring_hosts",
        sa.Column("host_id", sa.String(ID), primary_key=True),
        sa.Column("site_municipality", sa.String(CODE), nullable=False),
        sa.Column("sector_code", sa.String(16), nullable=False),
        sa.Column("registered_on", sa.Date, nullable=False),
        sa.Column("suspended_on", sa.Date),
    )


def downgrade() -> None:
    for name in ("hosts", "statistics_consent", "allowances_paid", "attendance_months", "follow_ups",
                 "person_journeys"):  # fmt: skip
        op.drop_table(f"monitoring_{name}")
