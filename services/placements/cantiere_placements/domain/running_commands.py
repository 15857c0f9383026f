"""Commands on a running internship, its end and the follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cantiere_events.codes import (
    ClosureReason,
    ContractType,
    IncidentSeverity,
    InterruptionInitiator,
    InterruptionReason,
    Outcome,
    SuspensionReason,
    TutorRole,
)
from cantiere_events.values import EscoConcept, Month, ProgrammeCode, TutorId

from cantiere_placements.domain.values import OPERATOR, Acting


@dataclass(frozen=True)
class CloseAttendanceMonth:
    """Close a month's attendance: planned and attended hours (host's tutor or operator)."""

    month: Month
    planned_hours: Decimal
    attended_hours: Decimal
    acting: Acting = OPERATOR


@dataclass(frozen=True)
class CalculateAllowance:
    """Calculate a closed month's allowance from the rules and the attendance."""

    month: Month


@dataclass(frozen=True)
class PayAllowance:
    """Record the payment of a calculated allowance."""

    month: Month


@dataclass(frozen=True)
class LogTutorVisit:
    """Record a tutor's visit."""

    tutor_id: TutorId
    tutor_role: TutorRole
    visited_on: date


@dataclass(frozen=True)
class SuspendInternship:
    """Suspend the internship from a day, with a reason code."""

    reason: SuspensionReason
    suspended_on: date


@dataclass(frozen=True)
class ResumeInternship:
    """Resume the internship; the end date moves as the rules say."""

    resumed_on: date


@dataclass(frozen=True)
class ExtendInternship:
    """Extend the internship (proroga) to a new end date within the maximum."""

    ends_on: date


@dataclass(frozen=True)
class InterruptInternship:
    """End the internship early, with a reason code and who ended it (the day it ended: today unless given)."""

    reason: InterruptionReason
    initiator: InterruptionInitiator
    interrupted_on: date | None = None


@dataclass(frozen=True)
class FlagSafetyIncident:
    """Flag a safety incident (details stay in the vault)."""

    severity: IncidentSeverity


@dataclass(frozen=True)
class CompleteInternship:
    """Complete the internship with its outcome (the day it was completed: today unless given)."""

    outcome: Outcome
    contract_type: ContractType | None = None
    completed_on: date | None = None


@dataclass(frozen=True)
class IssueCompetenceAttestation:
    """Issue the certificate of competences acquired."""

    competences: tuple[ProgrammeCode, ...]
    esco_skills: tuple[EscoConcept, ...] = ()


@dataclass(frozen=True)
class RecordFollowUp:
    """Record the follow-up due some months after the end (the day it was made: today unless given)."""

    after_months: int
    employed: bool
    contract_type: ContractType | None = None
    same_host: bool | None = None
    recorded_on: date | None = None


@dataclass(frozen=True)
class CloseCase:
    """Close the case, with the reason code (a completed path needs every follow-up recorded)."""

    reason: ClosureReason


Command = (
    CloseAttendanceMonth
    | CalculateAllowance
    | PayAllowance
    | LogTutorVisit
    | SuspendInternship
    | ResumeInternship
    | ExtendInternship
    | InterruptInternship
    | FlagSafetyIncident
    | CompleteInternship
    | IssueCompetenceAttestation
    | RecordFollowUp
    | CloseCase
)
