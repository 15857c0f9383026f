"""The referral intake: fail closed, retried on a concurrent change, and idempotent when the stream is replayed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from cantiere_events import Event, Metadata, Producer
from cantiere_events.codes import ConsentScope, ErasureBasis, LegalBasis
from cantiere_events.referrals import ConsentRecorded, KeepApartTokenRegistered, PersonalDataErased
from cantiere_placements.adapters import intake
from cantiere_placements.adapters.intake import APPEND_ATTEMPTS, ReferralIntake
from cantiere_placements.bootstrap import COMPONENT
from cantiere_placements.domain.candidate import candidate_decider
from cantiere_placements.domain.events import REGISTRY
from cantiere_placements.service_layer.unit import candidate_id
from cantiere_runtime.migrate import migrate
from cantiere_runtime.store import CommandContext, ConcurrencyError, EventStore, Recorded, envelope_for
from sqlalchemy.ext.asyncio import AsyncEngine

from .fakes import on, referral, token, uid

IDS = {"person_id": uid(1), "referral_id": uid(1001)}


def from_bus(event: Event, position: int) -> Recorded:
    ctx = CommandContext(partner="mola-di-bari", producer=Producer.REFERRALS, now=on(date(2008, 3, 1)).now)
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

    async def append(self, aggregate_id: str, expected_version: int, *args: Any, **kwargs: Any) -> int:
        if type(self).conflicts > 0:
            type(self).conflicts -= 1
            raise ConcurrencyError(aggregate_id, expected_version, expected_version + 1)
        return await super().append(aggregate_id, expected_version, *args, **kwargs)


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
