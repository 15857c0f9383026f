"""Adapters of the referrals service: SQL tables, the personal-data vault, NATS request/reply."""
