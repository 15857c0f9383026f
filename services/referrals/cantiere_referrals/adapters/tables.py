"""SQL tables of the referrals service: the encrypted vault, the append-only read audit, the read models."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

vault = sa.Table(
    "referrals_vault",
    metadata,
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("key_id", sa.String(32), nullable=False),
    sa.Column("nonce", sa.LargeBinary, nullable=False),
    sa.Column("ciphertext", sa.LargeBinary, nullable=False),
    sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
)

# The keep-apart codes a social worker typed, sealed like the vault (canonical forms): so the municipality can
# make their tokens again. Erased with the person.
keep_apart_codes = sa.Table(
    "referrals_keep_apart_codes",
    metadata,
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("key_id", sa.String(32), nullable=False),
    sa.Column("nonce", sa.LargeBinary, nullable=False),
    sa.Column("ciphertext", sa.LargeBinary, nullable=False),
    sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
)

# One row per person held, keyed by the own token (HMAC of the canonical tax code): written in the registering
# transaction, so two registrations of one code (any spelling) cannot both commit. Deleted on erasure.
people_by_token = sa.Table(
    "referrals_people_by_token",
    metadata,
    sa.Column("token", sa.String(64), primary_key=True),
    sa.Column("person_id", sa.String(36), nullable=False, unique=True),
)

# Append-only: rows are inserted, never updated or deleted; they hold ids and codes, never personal data.
personal_data_reads = sa.Table(
    "referrals_personal_data_reads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.String(36), nullable=False, index=True),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("partner", sa.String(63), nullable=False),
    sa.Column("purpose", sa.String(40), nullable=False),
    sa.Column("fields", sa.String(200), nullable=False),
    sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
)

caseload = sa.Table(
    "referrals_caseload",
    metadata,
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("social_worker_id", sa.String(64), nullable=False, index=True),
    sa.Column("district", sa.String(63)),
    sa.Column("age_band", sa.String(16), nullable=False),
    sa.Column("gender", sa.String(16), nullable=False),
    sa.Column("referral_status", sa.String(16)),
    sa.Column("erased", sa.Boolean, nullable=False, default=False),
    sa.Column("registered_on", sa.Date, nullable=False),
)

referrals = sa.Table(
    "referrals_by_status",
    metadata,
    sa.Column("referral_id", sa.String(36), primary_key=True),
    sa.Column("person_id", sa.String(36), nullable=False, index=True),
    sa.Column("district", sa.String(63)),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("reason", sa.String(40)),
    sa.Column("submitted_on", sa.Date, nullable=False),
    sa.Column("ended_on", sa.Date),
)


def _timeline(name: str) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),  # codes and dates only
    )


# One table per source, so rebuilding one projection never wipes another's rows.
timeline_local = _timeline("referrals_timeline_local")
timeline_consortium = _timeline("referrals_timeline_consortium")
timeline_consortium_restricted = _timeline("referrals_timeline_consortium_restricted")
