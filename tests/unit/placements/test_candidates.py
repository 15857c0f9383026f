"""Candidates: a referral is accepted or declined, then interviewed and assessed."""

from __future__ import annotations

from datetime import date

import pytest
from cantiere_events.codes import ConsentScope, DeclineReason
from cantiere_placements.domain import events as ev
from cantiere_placements.domain.candidate import (
    AcceptReferral,
    AssessSkills,
    DeclineReferral,
    HoldIntakeInterview,
    KeepFirstName,
    candidate_decider,
)
from cantiere_placements.domain.errors import NotFound, WrongState
from cantiere_runtime.testing import DeciderSpec

from .factories import TODAY, referred

spec = DeciderSpec(candidate_decider)
accepted = ev.CandidateAccepted(accepted_on=TODAY)
interviewed = ev.IntakeInterviewHeld(held_on=TODAY)


def test_a_referral_that_arrived_can_be_accepted() -> None:
    spec.given(referred()).when(AcceptReferral(), today=TODAY).then(accepted)


def test_a_referral_is_declined_with_a_reason_code() -> None:
    spec.given(referred()).when(DeclineReferral(DeclineReason.NOT_ELIGIBLE), today=TODAY).then(
        ev.CandidateDeclined(reason=DeclineReason.NOT_ELIGIBLE, declined_on=TODAY)
    )


def test_nothing_can_be_decided_before_the_referral_arrives() -> None:
    spec.given().when(AcceptReferral(), today=TODAY).raises(NotFound)


def test_a_declined_referral_cannot_be_accepted() -> None:
    declined = ev.CandidateDeclined(reason=DeclineReason.OTHER, declined_on=TODAY)
    spec.given(referred(), declined).when(AcceptReferral(), today=TODAY).raises(WrongState, "declined")


def test_a_referral_cannot_be_accepted_after_consent_to_share_was_withdrawn() -> None:
    withdrawn = ev.CandidateConsentWithdrawn(scope=ConsentScope.SHARE_WITH_CONSORTIUM)
    spec.given(referred(), withdrawn).when(AcceptReferral(), today=TODAY).raises(WrongState, "consent")


def test_nothing_can_be_decided_on_an_erased_person() -> None:
    erased = ev.CandidateErased(erased_on=TODAY)
    spec.given(referred(), erased).when(AcceptReferral(), today=TODAY).raises(WrongState, "erased")


def test_keeping_a_first_name_is_recorded_without_the_name() -> None:
    spec.given(referred()).when(KeepFirstName(), today=TODAY).then(ev.CandidateFirstNameKept(kept_on=TODAY))


def test_a_first_name_cannot_be_kept_for_an_erased_person() -> None:
    erased = ev.CandidateErased(erased_on=TODAY)
    spec.given(referred(), erased).when(KeepFirstName(), today=TODAY).raises(WrongState, "erased")


def test_the_intake_interview_follows_acceptance() -> None:
    spec.given(referred()).when(HoldIntakeInterview(TODAY), today=TODAY).raises(WrongState)
    spec.given(referred(), accepted).when(HoldIntakeInterview(TODAY), today=TODAY).then(interviewed)


def test_an_interview_in_the_future_is_refused() -> None:
    later = date(2008, 4, 1)
    spec.given(referred(), accepted).when(HoldIntakeInterview(later), today=TODAY).raises(WrongState)


def test_skills_are_assessed_after_the_interview_with_esco_codes() -> None:
    command = AssessSkills(competences=("kitchen.basic",), esco_skills=("S1.2.3",))
    spec.given(referred(), accepted).when(command, today=TODAY).raises(WrongState, "after the intake")
    spec.given(referred(), accepted, interviewed).when(command, today=TODAY).then(
        ev.SkillsAssessed(competences=("kitchen.basic",), esco_skills=("S1.2.3",), assessed_on=TODAY)
    )


@pytest.mark.parametrize("scope", [ConsentScope.SHARE_WITH_CONSORTIUM])
def test_withdrawn_consent_makes_the_candidate_unplaceable(scope: ConsentScope) -> None:
    state = candidate_decider.fold([referred(), accepted, ev.CandidateConsentWithdrawn(scope=scope)])
    assert state is not None and not state.placeable


def test_safety_constraints_replace_earlier_ones() -> None:
    first = ev.CandidateSafetyStored(excluded_municipalities=("bari",))
    second = ev.CandidateSafetyStored(excluded_hosts=("01234560017",))
    state = candidate_decider.fold([referred(), first, second])
    assert state is not None
    assert state.excluded_municipalities == () and state.excluded_hosts == ("01234560017",)


def test_each_consent_scope_is_followed_from_recorded_to_withdrawn() -> None:
    host = ConsentScope.MINIMAL_DATA_TO_HOST
    centre = ConsentScope.SHARE_WITH_EMPLOYMENT_CENTRE
    given = [referred(), accepted, ev.CandidateConsentRecorded(scope=host), ev.CandidateConsentRecorded(scope=centre)]
    state = candidate_decider.fold(given)
    assert state is not None and state.consented(host) and state.consented(centre)
    state = candidate_decider.fold([ev.CandidateConsentWithdrawn(scope=host)], state)
    assert state is not None and not state.consented(host) and state.consented(centre)
    assert state.placeable  # only withdrawing the consent to share with the consortium stops placements


def test_no_scope_is_consented_before_the_municipality_says_so_nor_after_erasure() -> None:
    state = candidate_decider.fold([referred()])
    assert state is not None and not any(state.consented(s) for s in ConsentScope)
    recorded = ev.CandidateConsentRecorded(scope=ConsentScope.MINIMAL_DATA_TO_HOST)
    state = candidate_decider.fold([referred(), recorded, ev.CandidateErased(erased_on=TODAY)])
    assert state is not None and not state.consented(ConsentScope.MINIMAL_DATA_TO_HOST)
