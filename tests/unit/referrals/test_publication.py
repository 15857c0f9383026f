"""What leaves the municipality: contract events only after a referral, constraints only under consent."""

from __future__ import annotations

from cantiere_events.codes import ConsentScope, ErasureBasis
from cantiere_events.referrals import (
    ConsentRecorded,
    ConsentWithdrawn,
    KeepApartTokenRegistered,
    PersonalDataErased,
    ReferralSubmitted,
    SafetyConstraintsRecorded,
)
from cantiere_referrals.domain import events as e
from cantiere_referrals.domain.person import person
from cantiere_referrals.domain.publication import public_events

from .test_person_rules import TODAY, consent, eligible, referred, registered


def _types(events: list[object]) -> list[type]:
    return [type(x) for x in events]


def constraints() -> e.SafetyConstraintsSet:
    return e.SafetyConstraintsSet(excluded_municipalities=("triggiano",), recorded_on=TODAY)


def test_nothing_is_published_about_a_person_never_referred() -> None:
    history = [registered(), eligible(), consent(), constraints()]
    assert public_events(None, history) == []


def test_a_referral_publishes_the_profile_the_consents_in_force_and_the_constraints() -> None:
    before = person.fold([registered(), eligible(), consent(), constraints()])
    out = public_events(before, [referred()])
    assert _types(out) == [ReferralSubmitted, ConsentRecorded, SafetyConstraintsRecorded]
    submitted = out[0]
    assert isinstance(submitted, ReferralSubmitted) and submitted.municipality == "bari"


def test_the_persons_own_token_is_published_restricted_on_referral() -> None:
    own = registered().model_copy(update={"own_token": "a" * 64, "key_id": "k1"})
    out = public_events(person.fold([own, eligible(), consent()]), [referred()])
    assert KeepApartTokenRegistered in _types(out)
    assert all(x.audience.value == "restricted" for x in out if isinstance(x, KeepApartTokenRegistered))


def test_constraints_stop_travelling_once_consent_to_share_is_withdrawn() -> None:
    revoked = e.ConsentRevoked(scope=ConsentScope.SHARE_WITH_CONSORTIUM, withdrawn_on=TODAY)
    before = person.fold([registered(), eligible(), consent(), referred()])
    out = public_events(before, [revoked, constraints()])
    assert _types(out) == [ConsentWithdrawn]


def test_erasure_of_a_referred_person_is_published() -> None:
    before = person.fold([registered(), eligible(), consent(), referred()])
    out = public_events(before, [e.PersonErased(basis=ErasureBasis.DATA_SUBJECT_REQUEST, erased_on=TODAY)])
    assert _types(out) == [PersonalDataErased]
