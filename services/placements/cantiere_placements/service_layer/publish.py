"""What the bus may know: the public contract events for the private events the service just recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cantiere_events import Event
from cantiere_events import placements as pub
from cantiere_events.codes import FollowUpMonth, PlacementParty

from cantiere_placements.domain import events as ev


@dataclass(frozen=True)
class PersonRef:
    """The pseudonymous facts every public event about a person carries."""

    person_id: str
    referral_id: str
    municipality: str
    district: str | None
    today: date


@dataclass(frozen=True)
class PlacementRef:
    """A person's placement: the person, the host, and the facts monitoring counts by."""

    person: PersonRef
    placement_id: str
    host_id: str
    site_municipality: str
    sector_code: str
    hours_per_week: int
    ends_on: date | None


def for_candidate(event: Event, ref: PersonRef) -> list[Event]:
    """Public events for a candidate's private event (none for constraints, tokens, consent or erasure)."""
    who = {"person_id": ref.person_id, "referral_id": ref.referral_id}
    where = {"municipality": ref.municipality, "district": ref.district}
    match event:
        case ev.CandidateAccepted():
            return [pub.ReferralAccepted(**who, **where, accepted_on=event.accepted_on)]
        case ev.CandidateDeclined():
            return [pub.ReferralDeclined(**who, **where, reason=event.reason, declined_on=event.declined_on)]
        case ev.IntakeInterviewHeld():
            return [pub.IntakeInterviewHeld(**who, held_on=event.held_on)]
        case ev.SkillsAssessed():
            return [
                pub.SkillsAssessed(
                    **who,
                    competence_codes=event.competences,
                    esco_skills=event.esco_skills,
                    assessed_on=event.assessed_on,
                )
            ]
    return []


def for_host(event: Event, host_id: str, today: date) -> list[Event]:
    """Public events for a host's private event (places reserved or released stay private)."""
    match event:
        case ev.HostRegistered():
            data = event.model_dump(exclude={"host_id", "company_name", "site_address"})
            return [pub.HostRegistered(host_id=host_id, **data)]
        case ev.HostTutorAssigned():
            return [pub.HostTutorAssigned(host_id=host_id, tutor_id=event.tutor_id, assigned_on=today)]
        case ev.HostSuspended():
            return [pub.HostSuspended(host_id=host_id, reason=event.reason, suspended_on=event.suspended_on)]
        case ev.HostReinstated():
            return [pub.HostReinstated(host_id=host_id, reinstated_on=event.reinstated_on)]
    return []


def for_placement(event: Event, ref: PlacementRef) -> list[Event]:
    """Public events for a placement's private event."""
    p = ref.person
    who = {"person_id": p.person_id, "referral_id": p.referral_id}
    placement = {**who, "placement_id": ref.placement_id, "host_id": ref.host_id}
    internship = {**who, "internship_id": ref.placement_id}
    where = {"municipality": p.municipality, "district": p.district}
    site = {"host_id": ref.host_id, "site_municipality": ref.site_municipality, "sector_code": ref.sector_code}
    match event:
        case ev.PlacementProposed():
            return [
                pub.PlacementProposed(
                    **placement,
                    site_municipality=ref.site_municipality,
                    sector_code=ref.sector_code,
                    proposed_on=event.proposed_on,
                )
            ]
        case ev.PlacementAccepted(party=PlacementParty.PERSON):
            return [pub.PlacementAcceptedByPerson(**placement, accepted_on=event.accepted_on)]
        case ev.PlacementAccepted():
            return [pub.PlacementAcceptedByHost(**placement, accepted_on=event.accepted_on)]
        case ev.PlacementRejected():
            return [
                pub.PlacementRejected(
                    **placement, rejected_by=event.party, reason=event.reason, rejected_on=event.rejected_on
                )
            ]
        case ev.AgreementSigned():
            return [
                pub.AgreementSigned(
                    **internship,
                    agreement_id=event.agreement_id,
                    placement_id=ref.placement_id,
                    host_id=ref.host_id,
                    signed_on=event.signed_on,
                )
            ]
        case ev.TrainingProjectApproved():
            data = event.model_dump(exclude={"objectives", "rule_set_id"})
            return [
                pub.TrainingProjectApproved(**internship, **data, objective_codes=event.objectives, approved_on=p.today)
            ]
        case ev.InternshipStarted():
            assert ref.ends_on is not None
            return [
                pub.InternshipStarted(
                    **internship,
                    **where,
                    **site,
                    placement_id=ref.placement_id,
                    hours_per_week=ref.hours_per_week,
                    started_on=event.started_on,
                    planned_end_on=ref.ends_on,
                )
            ]
        case ev.InternshipResumed():
            return [pub.InternshipResumed(**internship, resumed_on=event.resumed_on, planned_end_on=event.ends_on)]
        case ev.InternshipExtended():
            return [pub.InternshipExtended(**internship, extended_on=p.today, planned_end_on=event.ends_on)]
        case ev.InternshipInterrupted():
            return [
                pub.InternshipInterrupted(
                    **internship,
                    **where,
                    **site,
                    reason=event.reason,
                    initiated_by=event.initiator,
                    interrupted_on=event.interrupted_on,
                )
            ]
        case ev.InternshipCompleted():
            return [pub.InternshipCompleted(**internship, **where, **site, **event.model_dump())]
        case ev.CompetenceAttestationIssued():
            return [
                pub.CompetenceAttestationIssued(
                    **internship,
                    competence_codes=event.competences,
                    esco_skills=event.esco_skills,
                    issued_on=event.issued_on,
                )
            ]
        case ev.FollowUpRecorded():
            data = event.model_dump(exclude={"after_months"})
            return [pub.FollowUpRecorded(**internship, **where, month=FollowUpMonth(event.after_months), **data)]
        case ev.CaseClosed():
            return [pub.CaseClosed(**who, **where, reason=event.reason, closed_on=event.closed_on)]
    return _same_fields(event, internship)


# Events whose private and public fields are the same, plus the internship's ids.
_SAME = {
    ev.TrainingProjectValidated: pub.TrainingProjectValidated,
    ev.MandatoryNoticeFiled: pub.MandatoryNoticeFiled,
    ev.AttendanceMonthClosed: pub.AttendanceMonthClosed,
    ev.AllowanceCalculated: pub.AllowanceCalculated,
    ev.AllowancePaid: pub.AllowancePaid,
    ev.TutorVisitLogged: pub.TutorVisitLogged,
    ev.InternshipSuspended: pub.InternshipSuspended,
    ev.SafetyIncidentFlagged: pub.SafetyIncidentFlagged,
}


def _same_fields(event: Event, internship: dict[str, str]) -> list[Event]:
    public = _SAME.get(type(event))  # type: ignore[call-overload]
    return [public(**internship, **event.model_dump())] if public else []
