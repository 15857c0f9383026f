"""A municipality's yes covers the people at the host it was told about: whoever arrives meanwhile is asked about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pytest
from cantiere_events import Producer, decode
from cantiere_events import placements as pub
from cantiere_events.codes import ConsentScope, ErasureBasis, LegalBasis, PlacementRefusalCheck
from cantiere_events.contract import PUBLIC
from cantiere_events.referrals import (
    ConsentWithdrawn,
    PersonalDataErased,
    ReferralsEvent,
    SafetyConstraintsRecorded,
)
from cantiere_placements.adapters.intake import ReferralIntake
from cantiere_placements.domain import candidate as cand
from cantiere_placements.domain import events as ev
from cantiere_placements.domain import host as hst
from cantiere_placements.domain.errors import WrongState
from cantiere_placements.domain.values import Clearance
from cantiere_placements.service_layer.handlers import Placements
from cantiere_placements.service_layer.matching import CLEARANCE_ATTEMPTS, propose_placement
from cantiere_placements.service_layer.unit import candidate_id
from cantiere_runtime.schema import outbox
from cantiere_runtime.store import CommandContext, Recorded, envelope_for
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from .fakes import COMPLIANT, FakeReferrals, on, token, uid, vat
from .test_service_layer import receive, service

HOST = uid(5001)


@dataclass
class RacingReferrals(FakeReferrals):
    """Says yes, but while it answers someone else takes a place at the host (``races`` times)."""

    races: int = 1
    others: list[int] = field(default_factory=list)
    svc: Placements | None = None
    told: list[list[str]] = field(default_factory=list)

    async def clearance(
        self, municipality: str, person_id: str, host_vat: str, site_municipality: str, tokens_at_host: Sequence[str]
    ) -> Clearance:
        if person_id != uid(1):
            return Clearance.YES  # the others, placed meanwhile
        self.told.append(sorted(tokens_at_host))
        if self.races and self.others and self.svc is not None:
            self.races -= 1
            other = self.others.pop(0)
            placed = await propose_placement(self.svc, uid(other), HOST, 20, on(date(2008, 3, 4)))
            assert placed.refused is None
        return Clearance.YES


async def candidates_with_tokens(engine: AsyncEngine, svc: Placements, people: Sequence[int]) -> None:
    ctx = CommandContext(partner="ati-cantiere", producer=Producer.PLACEMENTS, now=on(date(2008, 3, 1)).now)
    for n, person in enumerate(people, start=1):
        await receive(engine, person, position=n)
        loaded = await svc.store.load(candidate_id(uid(person)))
        await svc.store.append(
            candidate_id(uid(person)), loaded.version, [ev.CandidateTokenStored(token=token(f"p{person}"))], context=ctx
        )
        await svc.candidate(uid(person), cand.AcceptReferral(), on(date(2008, 3, 3)))
    await svc.host(HOST, hst.RegisterHost(HOST, vat(1), "bari", "56.10.11", 40, COMPLIANT), on(date(2008, 3, 3)))


async def test_someone_placed_while_the_municipality_answers_is_asked_about_before_the_place_is_reserved(
    engine: AsyncEngine,
) -> None:
    referrals = RacingReferrals(races=1, others=[2])
    svc = await service(engine, referrals)
    referrals.svc = svc
    await candidates_with_tokens(engine, svc, [1, 2])

    proposal = await propose_placement(svc, uid(1), HOST, 20, on(date(2008, 3, 4)))

    assert proposal.refused is None
    assert referrals.told == [[], [token("p2")]]  # asked again, now about the newcomer


async def test_a_host_that_keeps_moving_while_the_municipality_answers_is_refused_fail_closed(
    engine: AsyncEngine,
) -> None:
    others = list(range(2, 2 + CLEARANCE_ATTEMPTS))
    referrals = RacingReferrals(races=CLEARANCE_ATTEMPTS, others=others)
    svc = await service(engine, referrals)
    referrals.svc = svc
    await candidates_with_tokens(engine, svc, [1, *others])

    proposal = await propose_placement(svc, uid(1), HOST, 20, on(date(2008, 3, 4)))

    assert proposal.refused is PlacementRefusalCheck.CLEARANCE_DENIED
    assert len(referrals.told) == CLEARANCE_ATTEMPTS
    host = await svc.store.load(f"host-{HOST}")
    reserved = [r.event for r in host.events if isinstance(r.event, ev.HostPlaceReserved)]
    assert uid(1) not in {e.person_id for e in reserved} and len(reserved) == CLEARANCE_ATTEMPTS
    assert await answers_published(engine, 1) == [("PlacementSafetyCleared", False), ("PlacementRefused", False)]


async def answers_published(engine: AsyncEngine, person: int) -> list[tuple[str, bool]]:
    """(type, cleared) of the clearance and refusal events published about a person's proposals."""
    async with engine.connect() as conn:
        rows = (await conn.execute(select(outbox).order_by(outbox.c.position))).mappings().all()
    events = [decode(r["data"], r["headers"], PUBLIC).payload for r in rows]
    return [
        (e.event_type, getattr(e, "cleared", False))
        for e in events
        if isinstance(e, pub.PlacementSafetyCleared | pub.PlacementRefused) and e.person_id == uid(person)
    ]


@dataclass
class NewsWhileAsked(FakeReferrals):
    """Says yes; while it answers, news about the person arrives from the referrals stream (one item a question)."""

    engine: AsyncEngine | None = None
    news: list[ReferralsEvent] = field(default_factory=list)
    questions: int = 0

    async def clearance(
        self, municipality: str, person_id: str, host_vat: str, site_municipality: str, tokens_at_host: Sequence[str]
    ) -> Clearance:
        if person_id != uid(1):
            return Clearance.YES
        self.questions += 1
        if self.news and self.engine is not None:
            event = self.news.pop(0)
            ctx = CommandContext(partner="mola-di-bari", producer=Producer.REFERRALS, now=on(date(2008, 3, 4)).now)
            message = envelope_for(event, uid(1), 10 + self.questions, ctx)
            async with self.engine.begin() as conn:
                await ReferralIntake("intake", "ati-cantiere").apply(conn, Recorded(event, message.metadata, 10))
        return Clearance.YES


IDS = {"person_id": uid(1), "referral_id": uid(1001)}


def constraints(**kwargs: object) -> SafetyConstraintsRecorded:
    return SafetyConstraintsRecorded(**IDS, **kwargs, recorded_on=date(2008, 3, 4))  # type: ignore[arg-type]


async def racing(engine: AsyncEngine, news: list[ReferralsEvent], placed: Sequence[int] = ()) -> Placements:
    referrals = NewsWhileAsked(engine=engine, news=news)
    svc = await service(engine, referrals)
    await candidates_with_tokens(engine, svc, [1, *placed])
    for other in placed:
        assert (await propose_placement(svc, uid(other), HOST, 20, on(date(2008, 3, 4)))).refused is None
    return svc


async def reserved_for(svc: Placements, person: int) -> list[ev.HostPlaceReserved]:
    host = await svc.store.load(f"host-{HOST}")
    reserved = [r.event for r in host.events if isinstance(r.event, ev.HostPlaceReserved)]
    return [e for e in reserved if e.person_id == uid(person)]


async def test_an_erasure_arriving_while_the_municipality_answers_stops_the_proposal(engine: AsyncEngine) -> None:
    erased = PersonalDataErased(**IDS, basis=ErasureBasis.DATA_SUBJECT_REQUEST, erased_on=date(2008, 3, 4))
    svc = await racing(engine, [erased])

    with pytest.raises(WrongState):
        await propose_placement(svc, uid(1), HOST, 20, on(date(2008, 3, 4)))

    assert await reserved_for(svc, 1) == []


async def test_a_consent_withdrawn_while_the_municipality_answers_stops_the_proposal(engine: AsyncEngine) -> None:
    withdrawn = ConsentWithdrawn(**IDS, scope=ConsentScope.SHARE_WITH_CONSORTIUM, legal_basis=LegalBasis.CONSENT,
                                 form_version="2008-1", withdrawn_on=date(2008, 3, 4))  # fmt: skip
    svc = await racing(engine, [withdrawn])

    with pytest.raises(WrongState):
        await propose_placement(svc, uid(1), HOST, 20, on(date(2008, 3, 4)))

    assert await reserved_for(svc, 1) == []


async def test_a_host_excluded_while_the_municipality_answers_refuses_the_placement(engine: AsyncEngine) -> None:
    svc = await racing(engine, [constraints(excluded_hosts=(vat(1),))])

    proposal = await propose_placement(svc, uid(1), HOST, 20, on(date(2008, 3, 4)))

    assert proposal.refused is PlacementRefusalCheck.EXCLUDED_HOST
    assert await reserved_for(svc, 1) == []


async def test_a_keep_apart_link_arriving_while_the_municipality_answers_refuses_the_placement(
    engine: AsyncEngine,
) -> None:
    svc = await racing(engine, [constraints(keep_apart_tokens=(token("p2"),), key_id="k1")], placed=[2])

    proposal = await propose_placement(svc, uid(1), HOST, 20, on(date(2008, 3, 4)))

    assert proposal.refused is PlacementRefusalCheck.KEEP_APART
    assert await reserved_for(svc, 1) == []


async def test_a_person_who_keeps_changing_while_the_municipality_answers_is_refused_fail_closed(
    engine: AsyncEngine,
) -> None:
    # Harmless changes (the hours still fit), but each makes the last yes about someone else's constraints.
    news: list[ReferralsEvent] = [constraints(max_hours_per_week=40 - n) for n in range(CLEARANCE_ATTEMPTS)]
    svc = await racing(engine, news)

    proposal = await propose_placement(svc, uid(1), HOST, 20, on(date(2008, 3, 4)))

    assert proposal.refused is PlacementRefusalCheck.CLEARANCE_DENIED
    assert await reserved_for(svc, 1) == []
    assert await answers_published(engine, 1) == [("PlacementSafetyCleared", False), ("PlacementRefused", False)]
