"""Running (phase 5): the internship starts, attendance and allowance month by month, suspensions and incidents."""

from __future__ import annotations

from datetime import date

from pydantic import model_validator

from cantiere_events.codes import (
    IncidentSeverity,
    InterruptionInitiator,
    InterruptionReason,
    SuspensionReason,
    TutorRole,
)
from cantiere_events.placements.base import InternshipEvent
from cantiere_events.values import (
    Cents,
    DistrictCode,
    HostId,
    Hours,
    Month,
    MunicipalityCode,
    PlacementId,
    RuleSetId,
    SectorCode,
    TutorId,
    WeeklyHours,
)


class InternshipStarted(InternshipEvent):
    """The intern's first day at the host (placements)."""

    event_type = "InternshipStarted"
    placement_id: PlacementId
    host_id: HostId
    municipality: MunicipalityCode
    district: DistrictCode | None = None
    site_municipality: MunicipalityCode
    sector_code: SectorCode
    hours_per_week: WeeklyHours
    started_on: date
    planned_end_on: date

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> InternshipStarted:
        if self.planned_end_on <= self.started_on:
            raise ValueError("an internship must be planned to end after it starts")
        return self


class AttendanceMonthClosed(InternshipEvent):
    """A month of attendance was closed with its planned and attended hours (placements, from the host's register)."""

    event_type = "AttendanceMonthClosed"
    month: Month
    planned_hours: Hours
    attended_hours: Hours


class AllowanceCalculated(InternshipEvent):
    """The allowance of a month was calculated under a configured rule set (placements)."""

    event_type = "AllowanceCalculated"
    month: Month
    amount_cents: Cents
    rule_set_id: RuleSetId


class AllowancePaid(InternshipEvent):
    """The allowance of a month was paid (placements)."""

    event_type = "AllowancePaid"
    month: Month
    amount_cents: Cents
    paid_on: date


class TutorVisitLogged(InternshipEvent):
    """A tutor visited the intern at the host; notes stay in the placements vault (placements)."""

    event_type = "TutorVisitLogged"
    tutor_id: TutorId
    tutor_role: TutorRole
    visited_on: date


class InternshipSuspended(InternshipEvent):
    """A running internship was suspended, with a reason code (placements)."""

    event_type = "InternshipSuspended"
    reason: SuspensionReason
    suspended_on: date


class InternshipResumed(InternshipEvent):
    """A suspended internship resumed, with its new planned end (placements)."""

    event_type = "InternshipResumed"
    resumed_on: date
    planned_end_on: date


class InternshipExtended(InternshipEvent):
    """An internship was extended to a new planned end (placements)."""

    event_type = "InternshipExtended"
    extended_on: date
    planned_end_on: date


class InternshipInterrupted(InternshipEvent):
    """An internship ended before its planned end, with a reason code and who ended it (placements)."""

    event_type = "InternshipInterrupted"
    host_id: HostId
    municipality: MunicipalityCode
    district: DistrictCode | None = None
    site_municipality: MunicipalityCode
    sector_code: SectorCode
    reason: InterruptionReason
    initiated_by: InterruptionInitiator
    interrupted_on: date


class SafetyIncidentFlagged(InternshipEvent):
    """Someone flagged a safety incident about an intern; only its severity travels (placements)."""

    event_type = "SafetyIncidentFlagged"
    severity: IncidentSeverity
    flagged_on: date
