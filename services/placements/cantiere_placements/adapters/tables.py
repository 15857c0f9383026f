"""The placements read-model tables and the append-only audit log of personal-data reads."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    text,
)

metadata = MetaData()

candidates = Table(
    "placements_candidates",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("referral_id", String(36), nullable=False),
    Column("municipality", String(64), nullable=False),
    Column("stage", String(24), nullable=False),  # referred | accepted | declined | placed | erased
    Column("since", Date, nullable=False),
    Column("interviewed_on", Date),
    Column("competences", JSON, nullable=False),
    Column("esco_skills", JSON, nullable=False),
    Column("preferred_sectors", JSON, nullable=False),
    Column("consents", JSON, nullable=False, server_default=text("'[]'")),  # consent scopes in force
    Column("age_band", String(16)),  # the profile's band at referral (pseudonymous)
    Column("referred_on", Date),  # the day the municipality referred the person
    Column("operator", String(64)),  # the staff user who took the case in (accepted or declined it)
)

hosts = Table(
    "placements_hosts",
    metadata,
    Column("host_id", String(36), primary_key=True),
    Column("vat_number", String(11), nullable=False),
    Column("site_municipality", String(64), nullable=False),
    Column("sector_code", String(16), nullable=False),
    Column("permanent_headcount", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("places_taken", Integer, nullable=False),
    Column("tutors", JSON, nullable=False),
    Column("company_name", String(200)),  # private to the consortium
    Column("site_address", String(300)),  # private to the consortium
)

placements = Table(
    "placements_placements",
    metadata,
    Column("placement_id", String(36), primary_key=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("host_id", String(36), nullable=False, index=True),
    Column("municipality", String(64), nullable=False),
    Column("status", String(24), nullable=False),
    Column("waiting_for", String(40), nullable=False),
    Column("since", Date, nullable=False),
    Column("hours_per_week", Integer, nullable=False),
    Column("objectives", JSON, nullable=False),
    Column("host_tutor_id", String(36)),
    Column("starts_on", Date),
    Column("ends_on", Date),
    Column("monthly_allowance_cents", Integer),
    Column("rule_set_id", String(64)),
    Column("validated_on", Date),
    Column("notices", JSON, nullable=False),
    Column("follow_ups", JSON, nullable=False),
    Column("outcome", String(24)),
    Column("operator", String(64)),  # the case's operator (who took the candidate in, else who proposed)
)

months = Table(
    "placements_months",
    metadata,
    Column("placement_id", String(36), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("planned_hours", Numeric(7, 2), nullable=False),
    Column("attended_hours", Numeric(7, 2), nullable=False),
    Column("allowance_cents", Integer),
    Column("rule_set_id", String(64)),
    Column("paid_on", Date),
)

personal_data_reads = Table(
    "placements_personal_data_reads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("user_id", String(64), nullable=False),
    Column("role", String(40), nullable=False),
    Column("partner", String(64), nullable=False),
    Column("what", String(40), nullable=False),
    Column("why", String(200), nullable=False),
    Column("answered", Boolean, nullable=False),
    Column("read_at", DateTime(timezone=True), nullable=False),
)

vault = Table(
    "placements_vault",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("key_id", String(32), nullable=False, server_default="legacy"),  # the key that sealed it (rotation)
    Column("nonce", LargeBinary, nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),
)

VIEW_TABLES = (candidates, hosts, placements, months)
