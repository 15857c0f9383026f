"""What a municipality's news about a referral means for the candidate: the intake's rules, as pure functions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from cantiere_events.codes import (
    ConsentScope,
    EligibilityCategory,
    ErasureBasis,
    LegalBasis,
    ReferralWithdrawalReason,
    ReferringService,
)
from cantiere_events.referrals import (
    ConsentRecorded,
    ConsentWithdrawn,
    KeepApartTokenRegistered,
    PersonalDataErased,
    ReferralSubmitted,
    ReferralWithdrawn,
    SafetyConstraintsRecorded,
)
from cantiere_placements.domain import events as ev
from cantiere_placements.domain import referral_news as news
from cantiere_placements.domain.candidate import Candidate, candidate_decider
from hypothesis import given
from hypothesis import strategies as st

from .factories import PROFILE, token, uid

IDS = {"person_id": uid(1), "referral_id": uid(1001)}
SCOPE = ConsentScope.MINIMAL_DATA_TO_HOST
T0 = datetime(2008, 3, 1, 10, tzinfo=UTC)


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def referral() -> ReferralSubmitted:
    return ReferralSubmitted(
        **IDS,
        municipality="mola-di-bari",
        eligibility_category=EligibilityCategory.DOMESTIC_VIOLENCE,
        referring_service=ReferringService.ANTI_VIOLENCE_CENTRE,
        profile=PROFILE,
        submitted_on=date(2008, 3, 1),
    )


def given_consent() -> ConsentRecorded:
    return ConsentRecorded(
        **IDS, scope=SCOPE, legal_basis=LegalBasis.CONSENT, form_version="2008-1", given_on=date(2008, 3, 1)
    )


def withdrawn_consent() -> ConsentWithdrawn:
    return ConsentWithdrawn(
        **IDS, scope=SCOPE, legal_basis=LegalBasis.CONSENT, form_version="2008-1", withdrawn_on=date(2008, 3, 2)
    )


def constraints(hours: int) -> SafetyConstraintsRecorded:
    return SafetyConstraintsRecorded(**IDS, max_hours_per_week=hours, recorded_on=date(2008, 3, 1))


class Candidacy:
    """A candidate's stream as the intake sees it: the news decided one after the other, appended when any."""

    def __init__(self) -> None:
        self.stored: list[news.StoredNews] = []

    @property
    def state(self) -> Candidate | None:
        return candidate_decider.fold(s.event for s in self.stored)

    def receive(self, event: object, hours: int, source: uuid.UUID | None = None) -> list[object]:
        command = news.receive(event, source or uuid.uuid4(), at(hours))  # type: ignore[arg-type]
        assert command is not None
        appended = news.decide(command, self.state, self.stored)
        self.stored += [news.StoredNews(e, str(command.source_id), command.occurred_at) for e in appended]
        return [type(e).__name__ for e in appended]


def test_a_referral_becomes_a_referred_candidate() -> None:
    candidacy = Candidacy()
    assert candidacy.receive(referral(), 0) == ["CandidateReferred"]
    state = candidacy.state
    assert state is not None and state.person_id == uid(1) and state.stage == "referred"


def test_news_the_consortium_does_not_keep_is_no_command() -> None:
    withdrawn = ReferralWithdrawn(**IDS, reason=ReferralWithdrawalReason.PERSON_REQUEST, withdrawn_on=date(2008, 3, 4))
    assert news.receive(withdrawn, uuid.uuid4(), T0) is None


def test_news_already_applied_decides_nothing_when_replayed() -> None:
    candidacy, source = Candidacy(), uuid.uuid4()
    candidacy.receive(referral(), 0)
    assert candidacy.receive(given_consent(), 1, source) == ["CandidateConsentRecorded"]
    assert candidacy.receive(given_consent(), 1, source) == []  # a redelivery, a rebuild


def test_a_second_referral_of_the_same_candidate_decides_nothing() -> None:
    candidacy = Candidacy()
    candidacy.receive(referral(), 0)
    assert candidacy.receive(referral(), 1) == []


def test_news_before_the_referral_is_kept_and_carried_after_it() -> None:
    candidacy = Candidacy()
    assert candidacy.receive(constraints(20), 0) == ["CandidateSafetyStored"]
    assert candidacy.receive(KeepApartTokenRegistered(**IDS, token=token("p1"), key_id="k1"), 1) == [
        "CandidateTokenStored"
    ]
    assert candidacy.receive(given_consent(), 2) == ["CandidateConsentRecorded"]
    assert candidacy.receive(referral(), 3) == [
        "CandidateReferred",
        "CandidateSafetyStored",
        "CandidateTokenStored",
        "CandidateConsentRecorded",
    ]
    state = candidacy.state
    assert state is not None
    assert state.max_hours_per_week == 20 and state.own_token == token("p1") and state.consented(SCOPE)


def test_a_consent_older_than_its_stored_withdrawal_does_not_come_back_in_force() -> None:
    candidacy = Candidacy()
    candidacy.receive(referral(), 0)
    candidacy.receive(withdrawn_consent(), 5)
    assert candidacy.receive(given_consent(), 2) == []  # applied late: latest wins
    state = candidacy.state
    assert state is not None and not state.consented(SCOPE)


def test_a_withdrawal_is_never_skipped_even_when_older() -> None:
    candidacy = Candidacy()
    candidacy.receive(referral(), 0)
    candidacy.receive(given_consent(), 5)
    assert candidacy.receive(withdrawn_consent(), 2) == ["CandidateConsentWithdrawn"]
    state = candidacy.state
    assert state is not None and not state.consented(SCOPE)


def test_older_safety_constraints_do_not_replace_newer_ones() -> None:
    candidacy = Candidacy()
    candidacy.receive(referral(), 0)
    candidacy.receive(constraints(15), 5)
    assert candidacy.receive(constraints(30), 2) == []
    state = candidacy.state
    assert state is not None and state.max_hours_per_week == 15


def test_an_erasure_erases_the_personal_data_and_only_protective_news_may_put_people_apart() -> None:
    erased = PersonalDataErased(**IDS, basis=ErasureBasis.DATA_SUBJECT_REQUEST, erased_on=date(2008, 3, 9))
    erasure = news.receive(erased, uuid.uuid4(), T0)
    assert erasure is not None
    assert news.erases_personal_data(news.decide(erasure, None, []))
    assert not news.may_put_apart(erasure, [erasure.news])
    token_news = news.receive(KeepApartTokenRegistered(**IDS, token=token("p2"), key_id="k1"), uuid.uuid4(), T0)
    safety_news = news.receive(constraints(20), uuid.uuid4(), T0)
    assert token_news is not None and safety_news is not None
    assert news.may_put_apart(token_news, [token_news.news]) and news.may_put_apart(safety_news, [safety_news.news])
    assert not news.may_put_apart(safety_news, [])  # nothing appended (a replay, superseded): nothing new


CONSENT_NEWS = st.lists(st.tuples(st.booleans(), st.integers(min_value=1, max_value=48)), max_size=8)


@given(CONSENT_NEWS)
def test_replaying_the_whole_stream_appends_nothing_twice(items: Sequence[tuple[bool, int]]) -> None:
    candidacy = Candidacy()
    messages = [(referral(), 0, uuid.uuid4())] + [
        (given_consent() if give else withdrawn_consent(), hours, uuid.uuid4()) for give, hours in items
    ]
    for event, hours, source in messages:
        candidacy.receive(event, hours, source)
    once = list(candidacy.stored)
    for event, hours, source in messages:
        assert candidacy.receive(event, hours, source) == []
    assert candidacy.stored == once


@given(CONSENT_NEWS)
def test_a_consent_is_in_force_only_if_given_after_every_withdrawal_applied(items: Sequence[tuple[bool, int]]) -> None:
    candidacy = Candidacy()
    candidacy.receive(referral(), 0)
    for give, hours in items:
        candidacy.receive(given_consent() if give else withdrawn_consent(), hours)
    state = candidacy.state
    assert state is not None
    applied = [s for s in candidacy.stored if not isinstance(s.event, ev.CandidateReferred)]
    last = applied[-1].event if applied else None
    assert state.consented(SCOPE) == isinstance(last, ev.CandidateConsentRecorded)
    withdrawals = [s.occurred_at for s in applied if isinstance(s.event, ev.CandidateConsentWithdrawn)]
    if state.consented(SCOPE):
        assert all(applied[-1].occurred_at > w for w in withdrawals)
