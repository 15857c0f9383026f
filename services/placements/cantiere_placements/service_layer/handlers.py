"""The placements application service: load, decide, append with public events, for every command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cantiere_events.codes import ConsentScope
from cantiere_runtime.errors import Forbidden
from cantiere_runtime.rules import RuleSet, rule_set
from cantiere_runtime.store import ConcurrencyError, EventStore
from cantiere_runtime.territory import Territory, TerritoryError
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_placements.adapters.referrals_gateway import ReferralsGateway
from cantiere_placements.domain import candidate as cand
from cantiere_placements.domain import events as ev
from cantiere_placements.domain import host as hst
from cantiere_placements.domain import placement as plc
from cantiere_placements.domain.agreement import ApproveTrainingProject, ValidateTrainingProject
from cantiere_placements.domain.errors import NotFound, RuleBroken, day_it
from cantiere_placements.domain.placement_state import Placement
from cantiere_placements.domain.project_review import ReturnTrainingProject
from cantiere_placements.domain.running import CalculateAllowance, ExtendInternship, ResumeInternship
from cantiere_placements.service_layer.publish import PersonRef, PlacementRef, for_candidate, for_host, for_placement
from cantiere_placements.service_layer.unit import Who, candidate_id, host_stream, load, placement_stream, wrap_all

CONFLICT_ATTEMPTS = 5  # decide again on news appended meanwhile, this many times at most
ENDS_A_PLACE = (ev.PlacementRejected, ev.InternshipInterrupted, ev.InternshipCompleted)


def _nothing() -> None:
    return None


@dataclass
class Placements:
    """Every command of the placements service, as one object the API and consumers call."""

    store: EventStore
    territory: Territory
    consortium: str
    referrals: ReferralsGateway
    committed: Callable[[], None] = _nothing

    async def candidate(self, person_id: str, command: cand.Command, who: Who) -> cand.Candidate:
        """Run a command on a candidate.

        The intake appends the municipality's news to the same stream at any time (consents, constraints,
        tokens): when it did so since the candidate was loaded, the command is decided again on the news, so the
        operator sees a refusal only when the command no longer holds, never a conflict nobody caused.
        """
        aggregate = candidate_id(person_id)
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            state, version = await load(self.store, cand.candidate_decider, aggregate)
            events = cand.decide(command, state, today=who.today)
            new = cand.candidate_decider.fold(events, state)
            ref = person_ref(new, who)
            publics = [p for e in events for p in for_candidate(e, ref)]
            ctx = who.context(self.consortium)
            wrapped = wrap_all(publics, aggregate, version + 1, ctx, ref.municipality)
            try:
                await self.store.append(aggregate, version, events, wrapped, context=ctx)
            except ConcurrencyError:
                if attempt == CONFLICT_ATTEMPTS:
                    raise
                continue
            self.committed()
            return new
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    async def host(self, host_id: str, command: hst.Command, who: Who) -> hst.Host:
        """Run a command on a host (registration, tutors, suspension)."""
        aggregate = host_stream(host_id)
        state, version = await load(self.store, hst.host_decider, aggregate)
        events = hst.decide(command, state, today=who.today)
        publics = [p for e in events for p in for_host(e, host_id, who.today)]
        ctx = who.context(self.consortium)
        await self.store.append(
            aggregate, version, events, wrap_all(publics, aggregate, version + 1, ctx, self.consortium), context=ctx
        )
        self.committed()
        new = hst.host_decider.fold(events, state)
        assert new is not None
        return new

    async def placement(self, placement_id: str, command: plc.Command, who: Who) -> Placement:
        """Run a command on a placement; a placement that ends frees its place at the host."""
        aggregate = placement_stream(placement_id)
        state, version = await load(self.store, plc.placement_decider, aggregate)
        if state is None:
            raise NotFound("Questo inserimento non esiste.", "There is no such placement.")
        person, _ = await load(self.store, cand.candidate_decider, candidate_id(state.person_id))
        if isinstance(command, ValidateTrainingProject | ReturnTrainingProject):
            _shared_with_employment_centre(person)
        host, host_version = await load(self.store, hst.host_decider, host_stream(state.host_id))
        events = plc.decide(
            command,
            state,
            today=who.today,
            rules=self._rules_for(command, state),
            host_tutors=host.tutors,
            follow_up_months=tuple(self.territory.follow_up_after_months),
        )
        new = plc.placement_decider.fold(events, state)
        ref = placement_ref(new, person, host, who)
        publics = [p for e in events for p in for_placement(e, ref)]
        ctx = who.context(self.consortium)
        async with self.store.engine.begin() as conn:
            envelopes = wrap_all(publics, aggregate, version + 1, ctx, state.municipality)
            await self.store.append(aggregate, version, events, envelopes, context=ctx, conn=conn)
            if any(isinstance(e, ENDS_A_PLACE) for e in events):
                await self._release(host, host_version, placement_id, who, conn)
        self.committed()
        return new

    async def _release(self, host: hst.Host, version: int, placement_id: str, who: Who, conn: AsyncConnection) -> None:
        released = hst.decide(hst.ReleasePlace(placement_id), host, today=who.today)
        await self.store.append(
            host_stream(host.host_id), version, released, context=who.context(self.consortium), conn=conn
        )

    def _rules_for(self, command: Any, state: Placement) -> RuleSet | None:
        # A project follows the rule set in force on its start date; later steps keep that rule set.
        if isinstance(command, ApproveTrainingProject):
            try:
                return self.territory.rule_set_on(command.starts_on)
            except TerritoryError:
                first = self.territory.rule_sets[0].starts_on
                raise RuleBroken(
                    f"Al {day_it(command.starts_on)} non si applica nessuna regola dei tirocini del territorio: "
                    f"il progetto formativo deve iniziare dal {day_it(first)} in poi.",
                    f"No internship rules of the territory apply on {command.starts_on}: "
                    f"a training project starts on {first} or later.",
                ) from None
        if isinstance(command, CalculateAllowance | ResumeInternship | ExtendInternship) and state.project:
            return rule_set(state.project.rule_set_id)
        return None


def _shared_with_employment_centre(person: cand.Candidate | None) -> None:
    """The employment centre acts on a placement only while the person consents to sharing with it (as its
    validation queue shows only those): otherwise 403, before anything about the placement is decided or shown."""
    if person is None or not person.consented(ConsentScope.SHARE_WITH_EMPLOYMENT_CENTRE):
        raise Forbidden(
            "La persona non ha acconsentito alla condivisione dei dati con il centro per l'impiego.",
            "The person has not consented to sharing data with the employment centre.",
            code="not_shared_with_employment_centre",
        )


def person_ref(person: cand.Candidate | None, who: Who) -> PersonRef:
    """The person facts public events carry."""
    if person is None:
        raise NotFound(
            "Per questa persona non è arrivata nessuna segnalazione.", "No referral has arrived for this person."
        )
    return PersonRef(person.person_id, person.referral_id, person.municipality, person.district, who.today)


def placement_ref(
    placement: Placement | None, person: cand.Candidate | None, host: hst.Host | None, who: Who
) -> PlacementRef:
    """The placement facts public events carry."""
    if placement is None or host is None:
        raise NotFound("Questo inserimento non esiste.", "There is no such placement.")
    return PlacementRef(
        person_ref(person, who),
        placement.placement_id,
        host.host_id,
        host.site_municipality,
        host.sector_code,
        placement.hours_per_week,
        placement.ends_on,
    )
