"""Read-model tables of the monitoring service: pseudonymous facts per person and host, and consent.

No personal data here: ids are the bus's random pseudonymous ids, the rest are codes,
bands and dates. Figures are computed at query time, joined on consent.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table

metadata = MetaData()

ID = 36
CODE = 63

person_journeys = Table(
    "monitoring_person_journeys",
    metadata,
    Column("person_id", String(ID), primary_key=True),
    Column("municipality", String(CODE)),
    Column("district", String(CODE)),
    Column("age_band", String(16)),
    Column("referred_on", Date),
    Column("accepted_on", Date),
    Column("declined_on", Date),
    Column("decline_reason", String(40)),
    Column("intake_done_on", Date),
    Column("matched_on", Date),
    Column("agreement_signed_on", Date),
    Column("internship_id", String(ID)),
    Column("host_id", String(ID)),
    Column("sector_code", String(16)),
    Column("started_on", Date),
    Column("planned_end_on", Date),
    Column("suspended_on", Date),  # the current suspension, None when running
    Column("ever_suspended", Boolean, nullable=False, default=False),
    Column("suspension_reason", String(40)),
    Column("interrupted_on", Date),
    Column("interruption_reason", String(40)),
    Column("completed_on", Date),
    Column("outcome", String(40)),
    Column("contract_type", String(40)),
    Column("attested_on", Date),
    Column("closed_on", Date),
)

follow_ups = Table(
    "monitoring_follow_ups",
    metadata,
    Column("person_id", String(ID), primary_key=True),
    Column("month", Integer, primary_key=True),
    Column("employed", Boolean, nullable=False),
    Column("contract_type", String(40)),
    Column("recorded_on", Date, nullable=False),
)

attendance_months = Table(
    "monitoring_attendance_months",
    metadata,
    Column("internship_id", String(ID), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("person_id", String(ID), nullable=False, index=True),
    Column("planned_centihours", Integer, nullable=False),
    Column("attended_centihours", Integer, nullable=False),
)

allowances_paid = Table(
    "monitoring_allowances_paid",
    metadata,
    Column("internship_id", String(ID), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("person_id", String(ID), nullable=False, index=True),
    Column("amount_cents", Integer, nullable=False),
    Column("paid_on", Date, nullable=False),
)

statistics_consent = Table(
    "monitoring_statistics_consent",
    metadata,
    Column("person_id", String(ID), primary_key=True),
    Column("given", Boolean, nullable=False),
    Column("erased", Boolean, nullable=False, default=False),
)

hosts = Table(
    "monitoring_hosts",
    metadata,
    Column("host_id", String(ID), primary_key=True),
    Column("site_municipality", String(CODE), nullable=False),
    Column("sector_code", String(16), nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("suspended_on", Date),
)
