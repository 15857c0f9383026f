"""A municipality's yes covers the people at the host it was told about: whoever arrives meanwhile is asked about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from cantiere_events import Producer
from cantiere_events.codes import PlacementRefusalCheck
from cantiere_placements.domain import candidate as cand
from cantiere_placements.domain import events as ev
from cantiere_placements.domain import host as hst
from cantiere_placements.domain.values import Clearance
from cantiere_placements.service_layer.handlers import Placements
from cantiere_placements.service_layer.matching import CLEARANCE_ATTEMPTS, propose_placement
from cantiere_placements.service_layer.unit import candidate_id
from cantiere_runtime.store import CommandContext
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
