"""The person aggregate's rules, as specifications: given what happened, when a command arrives, then..."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from cantiere_events.codes import (
    AgeBand,
    ClosureReason,
    ConsentScope,
    EligibilityCategory,
    ErasureBasis,
    Gender,
    LegalBasis,
    ReferralWithdrawalReason,
    ReferringService,
)
from cantiere_events.identifiers import keep_apart_token
from cantiere_referrals.domain import commands as c
from cantiere_referrals.domain import events as e
from cantiere_referrals.domain.errors import (
    ConsentMissing,
    ConsentNotGiven,
    EligibilityMissing,
    InvalidBirthDate,
    InvalidTaxCode,
    InvalidVatNumber,
    NoOpenReferral,
    PersonAlreadyRegistered,
    PersonIsErased,
    PersonNotFound,
    ReferralAlreadyOpen,
)
from cantiere_referrals.domain.identity import valid_tax_code
from cantiere_referrals.domain.person import person
from cantiere_runtime.testing import DeciderSpec

from tests.integration.referrals.invented import PEOPLE, vat_number

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
TODAY = NOW.date()
PID = "0b7c5c1e-3f1a-4c2d-9a51-6f0e2d8b9a11"
RID = "0190f3a2-7b1c-7d4e-8f00-112233445566"
spec = DeciderSpec(person)


def register(**overrides: object) -> c.RegisterPerson:
    fields: dict[str, object] = {
        "person_id": PID,
        "municipality": "bari",
        "district": "municipio-1",
        "social_worker_id": "sw-1",
        "birth_date": date(1990, 4, 17),
        "gender": Gender.FEMALE,
        "languages": ("it", "en"),
    }
    return c.RegisterPerson(**{**fields, **overrides})  # type: ignore[arg-type]


def registered() -> e.PersonRegistered:
    produced = person.run([], register(), now=NOW)
    assert isinstance(produced[0], e.PersonRegistered)
    return produced[0]


def consent(scope: ConsentScope = ConsentScope.SHARE_WITH_CONSORTIUM) -> e.ConsentGiven:
    return e.ConsentGiven(scope=scope, legal_basis=LegalBasis.CONSENT, form_version="2026.1", given_on=TODAY)


def eligible() -> e.EligibilityConfirmed:
    return e.EligibilityConfirmed(
        taken_into_care_on=date(2026, 1, 5),
        category=EligibilityCategory.DOMESTIC_VIOLENCE,
        referring_service=ReferringService.ANTI_VIOLENCE_CENTRE,
        confirmed_on=TODAY,
    )


def referred() -> e.ReferralOpened:
    return e.ReferralOpened(referral_id=RID, profile=registered().profile, submitted_on=TODAY)


def erased() -> e.PersonErased:
    return e.PersonErased(basis=ErasureBasis.DATA_SUBJECT_REQUEST, erased_on=TODAY)


def test_registration_keeps_only_a_derived_profile_with_the_age_band_at_that_day() -> None:
    event = registered()
    assert event.profile.age_band is AgeBand.FROM_35_TO_44  # 35 on 2026-03-10, born 1990-04-17
    assert "1990" not in event.model_dump_json()


def test_the_age_band_changes_on_the_birthday_not_before() -> None:
    day_before = person.run([], register(birth_date=date(2001, 3, 11)), now=NOW)[0]
    birthday = person.run([], register(birth_date=date(2001, 3, 10)), now=NOW)[0]
    assert isinstance(day_before, e.PersonRegistered) and isinstance(birthday, e.PersonRegistered)
    assert day_before.profile.age_band is AgeBand.FROM_18_TO_24
    assert birthday.profile.age_band is AgeBand.FROM_25_TO_34


def test_a_birth_date_in_the_future_is_refused() -> None:
    spec.given().when(register(birth_date=date(2027, 1, 1)), now=NOW).raises(InvalidBirthDate)


def test_a_person_cannot_be_registered_twice() -> None:
    spec.given(registered()).when(register(), now=NOW).raises(PersonAlreadyRegistered)


def test_commands_on_an_unknown_person_are_refused() -> None:
    spec.given().when(c.WithdrawConsent(scope=ConsentScope.SHARE_WITH_CONSORTIUM), now=NOW).raises(PersonNotFound)


def test_consent_is_recorded_per_scope_with_legal_basis_and_form_version() -> None:
    cmd = c.RecordConsent(scope=ConsentScope.SHARE_CONTACT_DETAILS, form_version="2026.1")
    spec.given(registered()).when(cmd, now=NOW).then(consent(ConsentScope.SHARE_CONTACT_DETAILS))


def test_withdrawing_a_consent_that_was_never_given_is_refused() -> None:
    cmd = c.WithdrawConsent(scope=ConsentScope.SHARE_CONTACT_DETAILS)
    spec.given(registered(), consent()).when(cmd, now=NOW).raises(ConsentNotGiven)


def test_a_referral_needs_eligibility() -> None:
    spec.given(registered(), consent()).when(c.SubmitReferral(referral_id=RID), now=NOW).raises(EligibilityMissing)


def test_a_referral_needs_consent_to_share_with_the_consortium() -> None:
    exc = spec.given(registered(), eligible()).when(c.SubmitReferral(referral_id=RID), now=NOW).raises(ConsentMissing)
    assert "share_with_consortium" in str(exc)


def test_a_referral_is_refused_once_that_consent_is_withdrawn() -> None:
    revoked = e.ConsentRevoked(scope=ConsentScope.SHARE_WITH_CONSORTIUM, withdrawn_on=TODAY)
    spec.given(registered(), eligible(), consent(), revoked).when(c.SubmitReferral(referral_id=RID), now=NOW).raises(
        ConsentMissing
    )


def test_an_eligible_consenting_person_is_referred_with_the_profile() -> None:
    spec.given(registered(), eligible(), consent()).when(c.SubmitReferral(referral_id=RID), now=NOW).then(referred())


def test_only_one_referral_is_open_at_a_time() -> None:
    spec.given(registered(), eligible(), consent(), referred()).when(c.SubmitReferral(referral_id=RID), now=NOW).raises(
        ReferralAlreadyOpen
    )


def test_an_open_referral_can_be_withdrawn_with_a_reason() -> None:
    cmd = c.WithdrawReferral(reason=ReferralWithdrawalReason.PERSON_REQUEST)
    spec.given(registered(), eligible(), consent(), referred()).when(cmd, now=NOW).then(
        e.ReferralCancelled(referral_id=RID, reason=ReferralWithdrawalReason.PERSON_REQUEST, withdrawn_on=TODAY)
    )


def test_a_closed_referral_cannot_be_closed_again_reopening_is_a_new_referral() -> None:
    closed = e.ReferralEnded(referral_id=RID, reason=ClosureReason.PATH_COMPLETED, closed_on=TODAY)
    history = (registered(), eligible(), consent(), referred(), closed)
    spec.given(*history).when(c.CloseReferral(reason=ClosureReason.OTHER), now=NOW).raises(NoOpenReferral)
    other = "0190f3a2-7b1c-7d4e-8f00-aabbccddeeff"
    produced = spec.given(*history).when(c.SubmitReferral(referral_id=other), now=NOW).then_state()
    assert produced is not None and produced.referral_id == other and produced.referral_open


def test_withdrawing_without_an_open_referral_is_refused() -> None:
    cmd = c.WithdrawReferral(reason=ReferralWithdrawalReason.OTHER)
    spec.given(registered()).when(cmd, now=NOW).raises(NoOpenReferral)


def test_safety_constraints_keep_valid_vat_numbers_and_tokens_only() -> None:
    host = vat_number(4242)
    token = keep_apart_token(PEOPLE["Oleandro Zampognaro"], b"programme-key")
    cmd = c.RecordSafetyConstraints(
        excluded_municipalities=("mola-di-bari",),
        excluded_hosts=(host, host),
        keep_apart_tokens=(token,),
        key_id="k1",
        max_hours_per_week=20,
    )
    spec.given(registered()).when(cmd, now=NOW).then(
        e.SafetyConstraintsSet(
            excluded_municipalities=("mola-di-bari",),
            excluded_hosts=(host,),
            keep_apart_tokens=(token,),
            key_id="k1",
            max_hours_per_week=20,
            recorded_on=TODAY,
        )
    )


def test_an_excluded_host_with_a_wrong_check_digit_is_refused() -> None:
    wrong = vat_number(4242)[:-1] + str((int(vat_number(4242)[-1]) + 1) % 10)
    cmd = c.RecordSafetyConstraints(excluded_hosts=(wrong,))
    spec.given(registered()).when(cmd, now=NOW).raises(InvalidVatNumber, match="VAT")


def test_a_keep_apart_token_is_a_keyed_hash_that_does_not_contain_the_tax_code() -> None:
    code = PEOPLE["Oleandro Zampognaro"]
    token = keep_apart_token(code.lower(), b"programme-key")
    assert token == keep_apart_token(code, b"programme-key") and len(token) == 64
    assert code not in token and token != keep_apart_token(code, b"another-key")


def test_a_tax_code_with_a_wrong_check_character_is_refused() -> None:
    code = PEOPLE["Ginestra Pervinchi"]
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    with pytest.raises(InvalidTaxCode, match="Invalid tax code"):
        valid_tax_code(wrong)


def test_erasure_marks_the_person_erased_and_refuses_every_later_command() -> None:
    spec.given(registered()).when(c.ErasePersonalData(basis=ErasureBasis.DATA_SUBJECT_REQUEST), now=NOW).then(erased())
    state = person.fold([registered(), erased()])
    assert state is not None and state.erased and state.own_token is None
    for cmd in (
        c.RecordConsent(scope=ConsentScope.AGGREGATE_STATISTICS, form_version="1"),
        c.SubmitReferral(referral_id=RID),
        c.ErasePersonalData(basis=ErasureBasis.LEGAL_OBLIGATION),
    ):
        spec.given(registered(), erased()).when(cmd, now=NOW).raises(PersonIsErased)
