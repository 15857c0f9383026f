"""The pseudonymous facts monitoring counts: one journey per consenting person, and the host sites."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Journey:
    """Where one person (who consented to aggregate statistics) went through the process, and when."""

    person_id: str
    municipality: str | None = None
    district: str | None = None
    age_band: str | None = None
    referred_on: date | None = None
    accepted_on: date | None = None
    declined_on: date | None = None
    decline_reason: str | None = None
    intake_done_on: date | None = None
    matched_on: date | None = None
    agreement_signed_on: date | None = None
    host_id: str | None = None
    sector_code: str | None = None
    started_on: date | None = None
    planned_end_on: date | None = None
    suspended_on: date | None = None
    ever_suspended: bool = False
    suspension_reason: str | None = None
    interrupted_on: date | None = None
    interruption_reason: str | None = None
    completed_on: date | None = None
    outcome: str | None = None
    contract_type: str | None = None
    attested_on: date | None = None
    closed_on: date | None = None
    employed_after: dict[int, bool] = field(default_factory=dict)  # follow-up month -> employed
    planned_centihours: int = 0
    attended_centihours: int = 0
    allowance_paid_cents: int = 0

    @property
    def ended_on(self) -> date | None:
        """The day the internship ended, completed or interrupted."""
        return self.completed_on or self.interrupted_on


@dataclass(frozen=True)
class HostSite:
    """A host company site as monitoring knows it: codes and dates only."""

    host_id: str
    site_municipality: str
    sector_code: str
    registered_on: date
    suspended_on: date | None = None


@dataclass(frozen=True)
class Period:
    """The first and last day an indicator looks at (both included)."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end
