"""The pure domain of a municipality's referrals: the person aggregate, its commands, events and rules."""
