"""Handlers of the referrals service: load the person, decide, append (with the vault in the same transaction)."""
