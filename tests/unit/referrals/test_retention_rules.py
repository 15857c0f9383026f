"""When personal data are due for erasure, as specifications: given the person's history, on a day, kept or due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from cantiere_events.codes import (
    AgeBand,
    ClosureReason,
    ConsentScope,
    EducationLevel,
    EligibilityCategory,
    ErasureBasis,
    Gender,
    LegalBasis,
    ReferralWithdrawalReason,
    ReferringService,
)
from cantiere_events.common import CandidateProfile
from cantiere_referrals.domain import events as e
from cantiere_referrals.domain.person import person
from cantiere_referrals.domain.retention import InvalidRetentionPeriod, RetentionPolicy, due_for_erasure

PID = "5a0e9c2d-1b3f-4e6a-8c7d-9f0a1b2c3d4e"
FIRST, SECOND = "0190f3a2-7b1c-7d4e-8f00-000000000001", "0190f3a2-7b1c-7d4e-8f00-000000000002"
REGISTERED_ON = date(2021, 2, 1)
POLICY = RetentionPolicy(after_referral_ended_days=30, never_referred_days=90)
PROFILE = CandidateProfile(
    age_band=AgeBand.FROM_35_TO_44, gender=Gender.FEMALE, education_level=EducationLevel.NOT_KNOWN
)


@dataclass(frozen=True)
class _Given:
    history: tuple[e.PersonEvent, ...]

    def on(self, today: date, policy: RetentionPolicy = POLICY) -> bool:
        return due_for_erasure(person.fold(self.history), policy, today=today)

    def due_from(self, first_day: date, policy: RetentionPolicy = POLICY) -> None:
        """Kept up to the day before `first_day`, due on it and after."""
        assert not self.on(first_day - timedelta(days=1), policy), "due a day too early"
        assert self.on(first_day, policy), "not due on the boundary day"
        assert self.on(first_day + timedelta(days=400), policy)


def given(*history: e.PersonEvent) -> _Given:
    return _Given(history)


def registered(on: date = REGISTERED_ON) -> e.PersonRegistered:
    return e.PersonRegistered(
        person_id=PID, municipality="bari", social_worker_id="sw-1", profile=PROFILE, registered_on=on
    )


def ready() -> tuple[e.PersonEvent, ...]:
    return (
        registered(),
        e.ConsentGiven(
            scope=ConsentScope.SHARE_WITH_CONSORTIUM,
            legal_basis=LegalBasis.CONSENT,
            form_version="2021.1",
            given_on=REGISTERED_ON,
        ),
        e.EligibilityConfirmed(
            taken_into_care_on=date(2021, 1, 11),
            category=EligibilityCategory.DOMESTIC_VIOLENCE,
            referring_service=ReferringService.ANTI_VIOLENCE_CENTRE,
            confirmed_on=REGISTERED_ON,
        ),
    )


def opened(rid: str = FIRST, on: date = date(2021, 3, 1)) -> e.ReferralOpened:
    return e.ReferralOpened(referral_id=rid, profile=PROFILE, submitted_on=on)


def closed(on: date, rid: str = FIRST) -> e.ReferralEnded:
    return e.ReferralEnded(referral_id=rid, reason=ClosureReason.PATH_COMPLETED, closed_on=on)


def withdrawn(on: date, rid: str = FIRST) -> e.ReferralCancelled:
    return e.ReferralCancelled(referral_id=rid, reason=ReferralWithdrawalReason.MOVED_AWAY, withdrawn_on=on)


def erased(on: date) -> e.PersonErased:
    return e.PersonErased(basis=ErasureBasis.DATA_SUBJECT_REQUEST, erased_on=on)


def test_after_a_closed_referral_data_are_kept_for_the_period_and_due_on_its_last_day() -> None:
    given(*ready(), opened(), closed(date(2022, 6, 1))).due_from(date(2022, 7, 1))


def test_after_a_withdrawn_referral_the_same_period_runs_from_the_withdrawal() -> None:
    given(*ready(), opened(), withdrawn(date(2021, 4, 15))).due_from(date(2021, 5, 15))


def test_a_person_never_referred_is_kept_for_their_own_period_from_registration() -> None:
    given(registered()).due_from(REGISTERED_ON + timedelta(days=90))
    given(*ready()).due_from(date(2021, 5, 2))  # consent and eligibility do not restart the period


def test_a_referred_person_follows_the_period_after_the_referral_not_the_one_from_registration() -> None:
    history = given(*ready(), opened(), closed(date(2021, 3, 10)))
    assert not history.on(date(2021, 4, 8))  # 90+ days after registration, 29 after closure
    assert history.on(date(2021, 4, 9))


def test_an_open_referral_is_never_due_however_old() -> None:
    assert not given(*ready(), opened()).on(date(2099, 12, 31))


def test_a_new_referral_after_a_closed_one_stops_the_period() -> None:
    assert not given(*ready(), opened(), closed(date(2021, 6, 1)), opened(SECOND, date(2023, 1, 9))).on(
        date(2030, 1, 1)
    )


def test_when_the_new_referral_ends_the_period_runs_again_from_its_end() -> None:
    history = (*ready(), opened(), closed(date(2021, 6, 1)), opened(SECOND, date(2023, 1, 9)))
    given(*history, withdrawn(date(2023, 2, 20), SECOND)).due_from(date(2023, 3, 22))


def test_a_person_already_erased_is_never_due_again() -> None:
    assert not given(*ready(), opened(), closed(date(2021, 6, 1)), erased(date(2021, 7, 1))).on(date(2030, 1, 1))
    assert not given(registered(), erased(date(2021, 2, 2))).on(date(2030, 1, 1))


def test_an_unknown_person_is_not_due() -> None:
    assert not due_for_erasure(None, POLICY, today=date(2030, 1, 1))


def test_nothing_is_due_before_it_happened() -> None:
    assert not given(*ready(), opened(), closed(date(2022, 6, 1))).on(date(2020, 1, 1))


def test_a_one_day_period_makes_data_due_the_day_after() -> None:
    one_day = RetentionPolicy(after_referral_ended_days=1, never_referred_days=1)
    given(registered()).due_from(REGISTERED_ON + timedelta(days=1), one_day)


def test_a_very_long_period_is_simply_never_reached() -> None:
    forever = RetentionPolicy(after_referral_ended_days=10**9, never_referred_days=10**9)
    assert not given(registered()).on(date.max, forever)


@pytest.mark.parametrize("days", [0, -1, True, 1.5, "30"])
def test_a_period_must_be_a_whole_number_of_days_greater_than_zero(days: object) -> None:
    with pytest.raises(InvalidRetentionPeriod, match=r"numero intero di giorni.*whole number of days"):
        RetentionPolicy(after_referral_ended_days=days, never_referred_days=90)  # type: ignore[arg-type]
