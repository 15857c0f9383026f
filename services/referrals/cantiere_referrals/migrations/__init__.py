"""Alembic migrations of the referrals service (its own history and version table)."""
