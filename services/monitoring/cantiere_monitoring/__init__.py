"""The monitoring service of the steering committee and the Region: suppressed aggregates and the Masterplan."""
