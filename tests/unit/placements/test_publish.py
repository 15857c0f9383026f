"""What reaches the bus: every private event of a placement maps to its public event, with ids and codes only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from cantiere_events import Event
from cantiere_events.codes import (
    ClosureReason,
    ConsentScope,
    ContractType,
    IncidentSeverity,
    InterruptionInitiator,
    InterruptionReason,
    Outcome,
    SuspensionReason,
    TutorRole,
)
from cantiere_events.referrals import ConsentWithdrawn
from cantiere_placements.domain import events as ev
from cantiere_placements.domain.referral_news import candidate_event as translate
from cantiere_placements.service_layer.publish import PersonRef, PlacementRef, for_candidate, for_placement

from .factories import TODAY, uid
from .journey import by_host, by_person, project, proposed, signed, start_notice, started, validated

REF = PlacementRef(
    PersonRef(uid(1), uid(1001), "mola-di-bari", None, TODAY),
    uid(70),
    uid(5001),
    "bari",
    "56.10.11",
    20,
    date(2008, 9, 30),
)
DAY = date(2008, 5, 5)
HOURS = {"planned_hours": Decimal(80), "attended_hours": Decimal(60)}
CASES: list[tuple[Event, str]] = [
    (proposed, "PlacementProposed"),
    (by_person, "PlacementAcceptedByPerson"),
    (by_host, "PlacementAcceptedByHost"),
    (signed, "AgreementSigned"),
    (project, "TrainingProjectApproved"),
    (validated, "TrainingProjectValidated"),
    (start_notice, "MandatoryNoticeFiled"),
    (started, "InternshipStarted"),
    (ev.AttendanceMonthClosed(month="2008-04", **HOURS), "AttendanceMonthClosed"),
    (ev.AllowanceCalculated(month="2008-04", amount_cents=33_750, rule_set_id="p"), "AllowanceCalculated"),
    (ev.AllowancePaid(month="2008-04", amount_cents=33_750, paid_on=DAY), "AllowancePaid"),
    (ev.TutorVisitLogged(tutor_id=uid(20), tutor_role=TutorRole.PROMOTER, visited_on=DAY), "TutorVisitLogged"),
    (ev.InternshipSuspended(reason=SuspensionReason.ILLNESS, suspended_on=DAY), "InternshipSuspended"),
    (ev.InternshipResumed(resumed_on=DAY, suspended_days=10, ends_on=date(2008, 10, 10)), "InternshipResumed"),
    (ev.InternshipExtended(ends_on=date(2008, 12, 31)), "InternshipExtended"),
    (ev.SafetyIncidentFlagged(severity=IncidentSeverity.HIGH, flagged_on=DAY), "SafetyIncidentFlagged"),
    (
        ev.InternshipInterrupted(
            reason=InterruptionReason.SAFETY, initiator=InterruptionInitiator.PROMOTER, interrupted_on=DAY
        ),
        "InternshipInterrupted",
    ),
    (
        ev.InternshipCompleted(outcome=Outcome.HIRED, contract_type=ContractType.OTHER, completed_on=DAY),
        "InternshipCompleted",
    ),
    (ev.CompetenceAttestationIssued(competences=("kitchen.basic",), issued_on=DAY), "CompetenceAttestationIssued"),
    (ev.FollowUpRecorded(after_months=3, employed=False, recorded_on=DAY), "FollowUpRecorded"),
    (ev.CaseClosed(reason=ClosureReason.PATH_COMPLETED, closed_on=DAY), "CaseClosed"),
]


@pytest.mark.parametrize(("private", "public"), CASES, ids=[c[1] for c in CASES])
def test_each_placement_event_has_its_public_event_about_the_person(private: Event, public: str) -> None:
    [published] = for_placement(private, REF)
    assert published.event_type == public
    assert published.person_id == uid(1)


def test_safety_and_consent_facts_stay_private() -> None:
    person = PersonRef(uid(1), uid(1001), "mola-di-bari", None, TODAY)
    assert for_candidate(ev.CandidateSafetyStored(keep_apart_tokens=("a" * 64,)), person) == []
    assert for_candidate(ev.CandidateTokenStored(token="a" * 64), person) == []


def test_a_withdrawn_consent_on_the_bus_becomes_a_candidate_fact() -> None:
    withdrawn = ConsentWithdrawn(
        person_id=uid(1),
        referral_id=uid(1001),
        scope=ConsentScope.SHARE_WITH_CONSORTIUM,
        legal_basis="consent",
        form_version="v1",
        withdrawn_on=TODAY,
    )
    assert translate(withdrawn) == ev.CandidateConsentWithdrawn(scope=ConsentScope.SHARE_WITH_CONSORTIUM)
