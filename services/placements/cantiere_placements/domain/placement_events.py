"""Private events of a placement, from proposal to closed case (phases 3 to 7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from cantiere_events import Event
from cantiere_events.codes import (
    ClosureReason,
    ContractType,
    IncidentSeverity,
    InterruptionInitiator,
    InterruptionReason,
    NoticeKind,
    Outcome,
    PlacementParty,
    PlacementRejectionReason,
    SuspensionReason,
    TutorRole,
)
from pydantic import Field

from cantiere_placements.domain.registry import REGISTRY


# --- placement and internship (phases 3-7) ----------------------------------------------------------------
@REGISTRY.register
class PlacementProposed(Event):
    """A placement of a candidate at a host was proposed after the safety checks."""

    event_type = "PlacementProposed"
    placement_id: str
    person_id: str
    referral_id: str
    municipality: str
    host_id: str
    hours_per_week: int
    proposed_on: date


@REGISTRY.register
class PlacementAccepted(Event):
    """One party (person or host) accepted the proposed placement."""

    event_type = "PlacementAccepted"
    party: PlacementParty
    accepted_on: date


@REGISTRY.register
class PlacementRejected(Event):
    """A party turned the proposed placement down."""

    event_type = "PlacementRejected"
    party: PlacementParty
    reason: PlacementRejectionReason
    rejected_on: date


@REGISTRY.register
class AgreementSigned(Event):
    """The agreement between promoter and host was signed (convenzione)."""

    event_type = "AgreementSigned"
    agreement_id: str
    signed_on: date


@REGISTRY.register
class TrainingProjectApproved(Event):
    """The training project (progetto formativo) was approved against the rule set in force."""

    event_type = "TrainingProjectApproved"
    objectives: tuple[str, ...]
    promoter_tutor_id: str
    host_tutor_id: str
    hours_per_week: int
    starts_on: date
    ends_on: date
    monthly_allowance_cents: int
    rule_set_id: str


class ProjectReturnReason(StrEnum):
    """Why the employment centre returned a training project (placements-private: never on the bus)."""

    OBJECTIVES = "objectives"  # the training objectives are unclear or do not fit the role
    HOURS_OR_SCHEDULE = "hours_or_schedule"
    DATES_OR_DURATION = "dates_or_duration"
    ALLOWANCE = "allowance"
    TUTORS = "tutors"
    MISSING_DOCUMENTS = "missing_documents"
    OTHER = "other"


@REGISTRY.register
class TrainingProjectReturned(Event):
    """The employment centre returned the training project for correction, with a reason.

    Private to the placements service: the explanation is free text, and free text never travels on the bus;
    no other service acts on a return (the referring municipality and the Region see the validation only).
    """

    event_type = "TrainingProjectReturned"
    reason: ProjectReturnReason
    explanation: str = Field(min_length=1, max_length=500)
    returned_on: date


@REGISTRY.register
class TrainingProjectValidated(Event):
    """The employment centre validated the training project."""

    event_type = "TrainingProjectValidated"
    validated_on: date


@REGISTRY.register
class MandatoryNoticeFiled(Event):
    """A mandatory notice (comunicazione obbligatoria) was filed with its reference number."""

    event_type = "MandatoryNoticeFiled"
    kind: NoticeKind
    reference_number: str
    filed_on: date


@REGISTRY.register
class InternshipStarted(Event):
    """The intern's first day."""

    event_type = "InternshipStarted"
    started_on: date


@REGISTRY.register
class AttendanceMonthClosed(Event):
    """A month's planned and attended hours were closed by the host's tutor or the operator."""

    event_type = "AttendanceMonthClosed"
    month: str
    planned_hours: Decimal
    attended_hours: Decimal


@REGISTRY.register
class AllowanceCalculated(Event):
    """The month's allowance (indennità) was calculated from the rules and the attendance."""

    event_type = "AllowanceCalculated"
    month: str
    amount_cents: int
    rule_set_id: str


@REGISTRY.register
class AllowancePaid(Event):
    """The month's allowance was paid."""

    event_type = "AllowancePaid"
    month: str
    amount_cents: int
    paid_on: date


@REGISTRY.register
class TutorVisitLogged(Event):
    """A tutor visited the intern at the host."""

    event_type = "TutorVisitLogged"
    tutor_id: str
    tutor_role: TutorRole
    visited_on: date


@REGISTRY.register
class InternshipSuspended(Event):
    """The internship was suspended, with a reason code."""

    event_type = "InternshipSuspended"
    reason: SuspensionReason
    suspended_on: date


@REGISTRY.register
class InternshipResumed(Event):
    """The internship resumed; the end date moved as the rules say."""

    event_type = "InternshipResumed"
    resumed_on: date
    suspended_days: int
    ends_on: date


@REGISTRY.register
class InternshipExtended(Event):
    """The internship was extended (proroga) within the maximum."""

    event_type = "InternshipExtended"
    ends_on: date


@REGISTRY.register
class InternshipInterrupted(Event):
    """The internship ended early, with a reason code and who ended it."""

    event_type = "InternshipInterrupted"
    reason: InterruptionReason
    initiator: InterruptionInitiator
    interrupted_on: date


@REGISTRY.register
class SafetyIncidentFlagged(Event):
    """A safety incident was flagged (details stay in the vault)."""

    event_type = "SafetyIncidentFlagged"
    severity: IncidentSeverity
    flagged_on: date


@REGISTRY.register
class InternshipCompleted(Event):
    """The internship ended as planned, with its outcome."""

    event_type = "InternshipCompleted"
    outcome: Outcome
    contract_type: ContractType | None = None
    completed_on: date


@REGISTRY.register
class CompetenceAttestationIssued(Event):
    """The certificate of competences acquired (attestazione delle competenze) was issued."""

    event_type = "CompetenceAttestationIssued"
    competences: tuple[str, ...]
    esco_skills: tuple[str, ...] = ()
    issued_on: date


@REGISTRY.register
class FollowUpRecorded(Event):
    """The follow-up at 3, 6 or 12 months was recorded."""

    event_type = "FollowUpRecorded"
    after_months: int
    employed: bool
    contract_type: ContractType | None = None
    same_host: bool | None = None
    recorded_on: date


@REGISTRY.register
class CaseClosed(Event):
    """The case was closed after the last follow-up (or early)."""

    event_type = "CaseClosed"
    reason: ClosureReason
    closed_on: date
