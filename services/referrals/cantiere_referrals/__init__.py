"""The municipal referrals service: people, consent, referrals, safety constraints, erasure (one per municipality)."""
