"""From proposal to first day: both parties accept, agreement, training project under the rules, validation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from cantiere_events.codes import NoticeKind, PlacementParty, PlacementRejectionReason
from cantiere_placements.domain import events as ev
from cantiere_placements.domain.agreement import (
    AcceptPlacement,
    ApproveTrainingProject,
    FileMandatoryNotice,
    OpenPlacement,
    RejectPlacement,
    SignAgreement,
    StartInternship,
    ValidateTrainingProject,
)
from cantiere_placements.domain.errors import RuleBroken, WrongState
from cantiere_placements.domain.placement import placement_decider
from cantiere_runtime.testing import DeciderSpec

from .factories import CURRENT, PILOT, TODAY, uid
from .journey import AGREED, APPROVED, END, READY, SIGNED, START, by_host, by_person, project, proposed

spec = DeciderSpec(placement_decider)
LATER = date(2008, 4, 1)
approve = ApproveTrainingProject(("kitchen.basic",), uid(20), uid(21), 20, START, END, 45_000)


def test_a_placement_opens_as_proposed() -> None:
    command = OpenPlacement(uid(70), uid(1), uid(1001), "mola-di-bari", uid(5001), 20)
    spec.given().when(command, today=TODAY).then(proposed)


def test_the_person_and_the_host_both_accept_before_the_agreement() -> None:
    spec.given(proposed).when(AcceptPlacement(PlacementParty.PERSON), today=TODAY).then(by_person)
    spec.given(proposed, by_person).when(SignAgreement(uid(80)), today=TODAY).raises(WrongState, "accept")
    spec.given(*AGREED).when(SignAgreement(uid(80)), today=TODAY).then(
        ev.AgreementSigned(agreement_id=uid(80), signed_on=TODAY)
    )


def test_a_proposal_can_be_turned_down_until_the_agreement_is_signed() -> None:
    reject = RejectPlacement(PlacementParty.HOST, PlacementRejectionReason.ROLE_NOT_SUITABLE)
    spec.given(proposed, by_host).when(reject, today=TODAY).then(
        ev.PlacementRejected(
            party=PlacementParty.HOST, reason=PlacementRejectionReason.ROLE_NOT_SUITABLE, rejected_on=TODAY
        )
    )
    spec.given(*SIGNED).when(reject, today=TODAY).raises(WrongState)


def test_the_training_project_is_approved_against_the_rule_set_chosen_for_its_start() -> None:
    spec.given(*SIGNED).when(approve, today=TODAY, rules=PILOT, host_tutors=(uid(21),)).then(project)


def test_a_project_needs_the_signed_agreement() -> None:
    spec.given(*AGREED).when(approve, today=TODAY, rules=PILOT).raises(WrongState, "convenzione")


def test_an_agreement_is_recorded_on_the_day_it_was_signed_never_in_the_future() -> None:
    earlier = date(2008, 2, 1)
    spec.given(*AGREED).when(SignAgreement(uid(80), signed_on=earlier), today=TODAY).then(
        ev.AgreementSigned(agreement_id=uid(80), signed_on=earlier)
    )
    spec.given(*AGREED).when(SignAgreement(uid(80), signed_on=LATER), today=TODAY).raises(WrongState, "not come")


def test_a_project_cannot_start_before_the_agreement_was_signed() -> None:
    signed_late = ev.AgreementSigned(agreement_id=uid(80), signed_on=date(2008, 4, 2))
    spec.given(*AGREED, signed_late).when(approve, today=LATER, rules=PILOT, host_tutors=(uid(21),)).raises(
        WrongState, r"before the agreement was signed \(2008-04-02\)"
    )
    on_the_day = replace(approve, starts_on=date(2008, 4, 2))
    spec.given(*AGREED, signed_late).when(on_the_day, today=LATER, rules=PILOT, host_tutors=(uid(21),)).then(
        project.model_copy(update={"starts_on": date(2008, 4, 2)})
    )


def test_an_allowance_below_the_minimum_of_the_rules_is_refused() -> None:
    cheap = replace(approve, monthly_allowance_cents=40_000)
    spec.given(*SIGNED).when(cheap, today=TODAY, rules=PILOT).raises(RuleBroken, "at least 450.00 euro")
    # Under today's law 450 euro is below the 600 euro minimum.
    spec.given(*SIGNED).when(approve, today=TODAY, rules=CURRENT).raises(RuleBroken, "600.00 euro")


def test_too_many_hours_a_week_are_refused() -> None:
    spec.given(*SIGNED).when(replace(approve, hours_per_week=35), today=TODAY, rules=PILOT).raises(RuleBroken)


def test_the_host_tutor_must_be_assigned_to_the_host() -> None:
    spec.given(*SIGNED).when(approve, today=TODAY, rules=PILOT, host_tutors=(uid(99),)).raises(WrongState, "tutor")


def test_the_employment_centre_validates_an_approved_project() -> None:
    spec.given(*SIGNED).when(ValidateTrainingProject(), today=TODAY).raises(WrongState)
    spec.given(*APPROVED).when(ValidateTrainingProject(), today=TODAY).then(
        ev.TrainingProjectValidated(validated_on=TODAY)
    )


def test_the_start_notice_needs_validation_and_is_filed_once() -> None:
    notice = FileMandatoryNotice(NoticeKind.START, "CO/2008/0001")
    spec.given(*APPROVED).when(notice, today=TODAY).raises(WrongState)
    spec.given(*READY).when(notice, today=TODAY).raises(WrongState, "once")


def test_the_internship_starts_after_validation_and_the_start_notice() -> None:
    spec.given(*APPROVED, ev.TrainingProjectValidated(validated_on=TODAY)).when(
        StartInternship(START), today=LATER
    ).raises(WrongState, "start notice")
    spec.given(*READY).when(StartInternship(START), today=LATER).then(ev.InternshipStarted(started_on=START))


def test_the_internship_cannot_start_before_the_projects_start() -> None:
    spec.given(*READY).when(StartInternship(date(2008, 3, 31)), today=LATER).raises(WrongState)
