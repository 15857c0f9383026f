"""The referral intake: fail closed, retried on a concurrent change, and idempotent when the stream is replayed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from cantiere_events import Event, Metadata, Producer
from cantiere_events.codes import ConsentScope, ErasureBasis, LegalBasis
from cantiere_events.referrals import (
    ConsentRecorded,
    ConsentWithdrawn,
    KeepApartTokenRegistered,
    PersonalDataErased,
    SafetyConstraintsRecorded,
)
from cantiere_placements.adapters import intake
from cantiere_placements.adapters.intake import ReferralIntake
from cantiere_placements.bootstrap import COMPONENT
from cantiere_placements.domain.candidate import candidate_decider
from cantiere_placements.domain.events import REGISTRY
from cantiere_placements.service_layer.unit import candidate_id
from cantiere_runtime.migrate import migrate
from cantiere_runtime.store import CommandContext, ConcurrencyError, EventStore, Recorded, envelope_for
from cantiere_runtime.unit_of_work import ATTEMPTS as APPEND_ATTEMPTS
from sqlalchemy.ext.asyncio import AsyncEngine

from .fakes import on, referral, token, uid

IDS = {"person_id": uid(1), "referral_id": uid(1001)}


def from_bus(event: Event, position: int, day: date = date(2008, 3, 1)) -> Recorded:
    ctx = CommandContext(partner="mola-di-bari", producer=Producer.REFERRALS, now=on(day).now)
    metadata: Metadata = envelope_for(event, uid(1), position, ctx).metadata
    return Recorded(event, metadata, position)


def referral_messages() -> list[Recorded]:
    consent = ConsentRecorded(**IDS, scope=ConsentScope.MINIMAL_DATA_TO_HOST, legal_basis=LegalBasis.CONSENT,
                              form_version="2008-1", given_on=date(2008, 3, 1))  # fmt: skip
    token_event = KeepApartTokenRegistered(**IDS, token=token("p1"), key_id="k1")
    erased = PersonalDataErased(**IDS, basis=ErasureBasis.DATA_SUBJECT_REQUEST, erased_on=date(2008, 3, 9))
    return [from_bus(e, n) for n, e in enumerate([referral(1), consent, token_event, erased], start=1)]


async def apply_all(engine: AsyncEngine, messages: list[Recorded], projection: ReferralIntake) -> None:
    for message in messages:
        async with engine.begin() as conn:
            await projection.apply(conn, message)


async def history(engine: AsyncEngine) -> list[str]:
    loaded = await EventStore(engine, REGISTRY).load(candidate_id(uid(1)))
    return [r.event.event_type for r in loaded.events]


def test_the_intake_is_fail_closed() -> None:
    assert ReferralIntake("referral_intake_public", "ati-cantiere").fail_closed is True


async def test_replaying_the_referrals_stream_appends_no_candidate_event_twice(engine: AsyncEngine) -> None:
    await migrate(engine, COMPONENT)
    messages = referral_messages()
    projection = ReferralIntake("referral_intake_public", "ati-cantiere")
    await apply_all(engine, messages, projection)
    once = await history(engine)
    assert once == [
        "CandidateReferred", "CandidateConsentRecorded", "CandidateTokenStored", "CandidateErased",
    ]  # fmt: skip
    await apply_all(engine, messages, projection)  # a rebuild replays the stream from the start
    await apply_all(engine, messages[1:2], projection)  # a redelivery
    assert await history(engine) == once
    state = candidate_decider.fold(
        [r.event for r in (await EventStore(engine, REGISTRY).load(candidate_id(uid(1)))).events]
    )
    assert state.erased and state.own_token == token("p1")


class Conflicting(EventStore):
    """A store whose appends meet a concurrent change ``conflicts`` times (as when a command commits first)."""

    conflicts = 0
    loads = 0

    async def load(self, aggregate_id: str, conn: Any = None) -> Any:
        type(self).loads += 1
        return await super().load(aggregate_id, conn)

    async def append_many(self, appends: Any, *, conn: Any) -> None:
        if type(self).conflicts > 0:
            type(self).conflicts -= 1
            aggregate_id, expected_version = appends[0][0], appends[0][1]
            raise ConcurrencyError(aggregate_id, expected_version, expected_version + 1)
        await super().append_many(appends, conn=conn)


async def test_a_concurrent_change_is_retried_by_reloading_and_deciding_again(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    await migrate(engine, COMPONENT)
    monkeypatch.setattr(intake, "EventStore", Conflicting)
    Conflicting.conflicts, Conflicting.loads = 2, 0
    await apply_all(engine, referral_messages()[:1], ReferralIntake("referral_intake_public", "ati-cantiere"))
    assert await history(engine) == ["CandidateReferred"] and Conflicting.loads == 3


async def test_a_change_that_keeps_conflicting_is_raised_so_the_projector_retries_the_message(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    await migrate(engine, COMPONENT)
    monkeypatch.setattr(intake, "EventStore", Conflicting)
    Conflicting.conflicts = APPEND_ATTEMPTS
    with pytest.raises(ConcurrencyError):
        await apply_all(engine, referral_messages()[:1], ReferralIntake("referral_intake_public", "ati-cantiere"))
    assert await history(engine) == []


async def candidate_now(engine: AsyncEngine) -> Any:
    loaded = await EventStore(engine, REGISTRY).load(candidate_id(uid(1)))
    return candidate_decider.fold([r.event for r in loaded.events])


async def test_a_consent_applied_after_its_newer_withdrawal_does_not_come_back_in_force(engine: AsyncEngine) -> None:
    # An older intake did not follow ConsentRecorded: rebuilt, it reads the consent after the withdrawal.
    await migrate(engine, COMPONENT)
    scope = ConsentScope.MINIMAL_DATA_TO_HOST
    given = ConsentRecorded(**IDS, scope=scope, legal_basis=LegalBasis.CONSENT, form_version="2008-1",
                            given_on=date(2008, 3, 2))  # fmt: skip
    withdrawn = ConsentWithdrawn(**IDS, scope=scope, legal_basis=LegalBasis.CONSENT, form_version="2008-1",
                                 withdrawn_on=date(2008, 3, 5))  # fmt: skip
    projection = ReferralIntake("referral_intake_public", "ati-cantiere")
    await apply_all(engine, [from_bus(referral(1), 1), from_bus(withdrawn, 3, date(2008, 3, 5))], projection)
    await apply_all(engine, [from_bus(given, 2, date(2008, 3, 2))], projection)

    assert not (await candidate_now(engine)).consented(scope)
    assert "CandidateConsentRecorded" not in await history(engine)

    later = ConsentRecorded(**IDS, scope=scope, legal_basis=LegalBasis.CONSENT, form_version="2008-1",
                            given_on=date(2008, 3, 9))  # fmt: skip
    await apply_all(engine, [from_bus(later, 4, date(2008, 3, 9))], projection)  # given again, later: in force
    assert (await candidate_now(engine)).consented(scope)


async def test_a_withdrawal_is_never_skipped_and_wins_a_tie_whatever_the_clocks_say(engine: AsyncEngine) -> None:
    # Times come from the producer's clock: a withdrawal stamped earlier than the consent it withdraws
    # (a clock stepped back), or at the same instant, still takes effect; a grant never wins a tie.
    await migrate(engine, COMPONENT)
    scope = ConsentScope.MINIMAL_DATA_TO_HOST
    given = ConsentRecorded(**IDS, scope=scope, legal_basis=LegalBasis.CONSENT, form_version="2008-1",
                            given_on=date(2008, 3, 5))  # fmt: skip
    withdrawn = ConsentWithdrawn(**IDS, scope=scope, legal_basis=LegalBasis.CONSENT, form_version="2008-1",
                                 withdrawn_on=date(2008, 3, 4))  # fmt: skip
    projection = ReferralIntake("referral_intake_public", "ati-cantiere")
    await apply_all(engine, [from_bus(referral(1), 1), from_bus(given, 2, date(2008, 3, 5))], projection)
    await apply_all(engine, [from_bus(withdrawn, 3, date(2008, 3, 4))], projection)  # stamped before the grant
    assert not (await candidate_now(engine)).consented(scope)

    again = ConsentRecorded(**IDS, scope=scope, legal_basis=LegalBasis.CONSENT, form_version="2008-1",
                            given_on=date(2008, 3, 5))  # fmt: skip
    await apply_all(engine, [from_bus(again, 4, date(2008, 3, 5))], projection)  # same instant as a stored one
    assert not (await candidate_now(engine)).consented(scope)


async def test_older_constraints_applied_after_newer_ones_do_not_replace_them(engine: AsyncEngine) -> None:
    await migrate(engine, COMPONENT)
    old = SafetyConstraintsRecorded(**IDS, excluded_hosts=(), recorded_on=date(2008, 3, 1))
    new = SafetyConstraintsRecorded(**IDS, excluded_municipalities=("bari",), recorded_on=date(2008, 3, 6))
    projection = ReferralIntake("referral_intake_public", "ati-cantiere")
    await apply_all(engine, [from_bus(referral(1), 1), from_bus(new, 3, date(2008, 3, 6))], projection)
    await apply_all(engine, [from_bus(old, 2, date(2008, 3, 1))], projection)

    assert (await candidate_now(engine)).excluded_municipalities == ("bari",)
