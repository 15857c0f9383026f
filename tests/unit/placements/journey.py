"""Invented histories of one placement, phase by phase, for the placement decider tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cantiere_events.codes import NoticeKind, PlacementParty
from cantiere_placements.domain import events as ev

from .factories import PILOT, TODAY, uid

START = date(2008, 4, 1)
END = date(2008, 9, 30)

proposed = ev.PlacementProposed(
    placement_id=uid(70),
    person_id=uid(1),
    referral_id=uid(1001),
    municipality="mola-di-bari",
    host_id=uid(5001),
    hours_per_week=20,
    proposed_on=TODAY,
)
by_person = ev.PlacementAccepted(party=PlacementParty.PERSON, accepted_on=TODAY)
by_host = ev.PlacementAccepted(party=PlacementParty.HOST, accepted_on=TODAY)
signed = ev.AgreementSigned(agreement_id=uid(80), signed_on=TODAY)
project = ev.TrainingProjectApproved(
    objectives=("kitchen.basic",),
    promoter_tutor_id=uid(20),
    host_tutor_id=uid(21),
    hours_per_week=20,
    starts_on=START,
    ends_on=END,
    monthly_allowance_cents=45_000,
    rule_set_id=PILOT.id,
)
validated = ev.TrainingProjectValidated(validated_on=TODAY)
start_notice = ev.MandatoryNoticeFiled(kind=NoticeKind.START, reference_number="CO/2008/0001", filed_on=TODAY)
started = ev.InternshipStarted(started_on=START)

AGREED = (proposed, by_person, by_host)
SIGNED = (*AGREED, signed)
APPROVED = (*SIGNED, project)
READY = (*APPROVED, validated, start_notice)
RUNNING = (*READY, started)


def april(attended: str = "80") -> ev.AttendanceMonthClosed:
    """April's attendance, 80 hours planned."""
    return ev.AttendanceMonthClosed(month="2008-04", planned_hours=Decimal(80), attended_hours=Decimal(attended))
