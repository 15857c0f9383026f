"""A placement's state, from proposal to closed case, rebuilt by folding its events."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from cantiere_events import Event
from cantiere_events.codes import NoticeKind, Outcome, PlacementParty, SuspensionReason

from cantiere_placements.domain import events as ev


@dataclass(frozen=True)
class Placement:
    """A placement of one candidate at one host, and the internship it becomes."""

    placement_id: str
    person_id: str
    referral_id: str
    municipality: str
    host_id: str
    hours_per_week: int
    proposed_on: date
    status: str = "proposed"  # proposed|rejected|agreed|running|suspended|interrupted|completed|closed
    accepted_by: frozenset[PlacementParty] = frozenset()
    agreement_id: str | None = None
    agreement_signed_on: date | None = None
    project: ev.TrainingProjectApproved | None = None
    validated_on: date | None = None
    returned: ev.TrainingProjectReturned | None = None  # the employment centre's last return, until resubmitted
    notices: tuple[NoticeKind, ...] = ()
    started_on: date | None = None
    ends_on: date | None = None
    suspended_on: date | None = None
    suspension_reason: SuspensionReason | None = None
    qualifying_suspended_days: int = 0
    extended: bool = False
    attendance: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    allowances: dict[str, int] = field(default_factory=dict)
    paid: frozenset[str] = frozenset()
    visits: int = 0
    incidents: int = 0
    ended_on: date | None = None
    outcome: Outcome | None = None
    attested: bool = False
    follow_ups: tuple[int, ...] = ()

    @property
    def is_running(self) -> bool:
        """Started and not ended (suspended included)."""
        return self.status in ("running", "suspended")

    @property
    def has_ended(self) -> bool:
        """Completed or interrupted."""
        return self.status in ("completed", "interrupted")

    @property
    def holds_place(self) -> bool:
        """Whether the placement occupies a place at its host."""
        return self.status in ("proposed", "agreed", "running", "suspended")


def evolve(state: Placement | None, event: Event) -> Placement | None:
    """The placement after one event."""
    if isinstance(event, ev.PlacementProposed):
        return Placement(
            event.placement_id,
            event.person_id,
            event.referral_id,
            event.municipality,
            event.host_id,
            event.hours_per_week,
            event.proposed_on,
        )
    if state is None:
        return None
    match event:
        case ev.PlacementAccepted():
            accepted = state.accepted_by | {event.party}
            both = {PlacementParty.PERSON, PlacementParty.HOST} <= accepted
            return replace(state, accepted_by=accepted, status="agreed" if both else state.status)
        case ev.PlacementRejected():
            return replace(state, status="rejected", ended_on=event.rejected_on)
        case ev.AgreementSigned():
            return replace(state, agreement_id=event.agreement_id, agreement_signed_on=event.signed_on)
        case ev.TrainingProjectApproved():
            return replace(state, project=event, ends_on=event.ends_on, validated_on=None, returned=None)
        case ev.TrainingProjectReturned():
            return replace(state, returned=event)
        case ev.TrainingProjectValidated():
            return replace(state, validated_on=event.validated_on)
        case ev.MandatoryNoticeFiled():
            return replace(state, notices=(*state.notices, event.kind))
        case ev.InternshipStarted():
            return replace(state, status="running", started_on=event.started_on)
        case ev.AttendanceMonthClosed():
            hours = (event.planned_hours, event.attended_hours)
            return replace(state, attendance={**state.attendance, event.month: hours})
        case ev.AllowanceCalculated():
            return replace(state, allowances={**state.allowances, event.month: event.amount_cents})
        case ev.AllowancePaid():
            return replace(state, paid=state.paid | {event.month})
        case ev.TutorVisitLogged():
            return replace(state, visits=state.visits + 1)
        case ev.InternshipSuspended():
            return replace(state, status="suspended", suspended_on=event.suspended_on, suspension_reason=event.reason)
        case ev.InternshipResumed():
            moved = (event.ends_on - state.ends_on).days if state.ends_on else 0
            return replace(
                state,
                status="running",
                suspended_on=None,
                suspension_reason=None,
                ends_on=event.ends_on,
                qualifying_suspended_days=state.qualifying_suspended_days + moved,
            )
        case ev.InternshipExtended():
            return replace(state, ends_on=event.ends_on, extended=True)
        case ev.InternshipInterrupted():
            return replace(state, status="interrupted", ended_on=event.interrupted_on)
        case ev.SafetyIncidentFlagged():
            return replace(state, incidents=state.incidents + 1)
        case ev.InternshipCompleted():
            return replace(state, status="completed", ended_on=event.completed_on, outcome=event.outcome)
        case ev.CompetenceAttestationIssued():
            return replace(state, attested=True)
        case ev.FollowUpRecorded():
            return replace(state, follow_ups=(*state.follow_ups, event.after_months))
        case ev.CaseClosed():
            return replace(state, status="closed")
    return state
