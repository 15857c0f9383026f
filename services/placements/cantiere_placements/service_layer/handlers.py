"""The placements application service: every command a unit of work run by the service's one command handler.

Each loads its aggregates with their versions, decides, and queues events with the public events they publish;
the handler (``cantiere_runtime.unit_of_work``) writes them in one transaction, decides again when an aggregate
moved on meanwhile (the intake's news about a candidate, another operator) and tells the relay after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cantiere_events.codes import ConsentScope
from cantiere_runtime.errors import Forbidden
from cantiere_runtime.rules import RuleSet, rule_set
from cantiere_runtime.store import EventStore
from cantiere_runtime.territory import Territory, TerritoryError
from cantiere_runtime.unit_of_work import CommandHandler, UnitOfWork

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
from cantiere_placements.service_layer.unit import Who, candidate_id, host_stream, placement_stream, wrap_all

ENDS_A_PLACE = (ev.PlacementRejected, ev.InternshipInterrupted, ev.InternshipCompleted)


@dataclass
class Placements:
    """Every command of the placements service, as one object the API and consumers call.

    ``store`` is for reads; every write goes through ``commands``, the service runtime's one handler.
    """

    store: EventStore
    territory: Territory
    consortium: str
    referrals: ReferralsGateway
    commands: CommandHandler

    async def candidate(self, person_id: str, command: cand.Command, who: Who) -> cand.Candidate:
        """Run a command on a candidate.

        The intake appends the municipality's news to the same stream at any time (consents, constraints,
        tokens): when it did so since the candidate was loaded, the command is decided again on the news, so the
        operator sees a refusal only when the command no longer holds, never a conflict nobody caused.
        """

        async def work(unit: UnitOfWork) -> cand.Candidate:
            file = await unit.load(cand.candidate_decider, candidate_id(person_id))
            events = cand.decide(command, file.state, today=who.today)
            new = cand.candidate_decider.fold(events, file.state)
            ref = person_ref(new, who)
            publics = [p for e in events for p in for_candidate(e, ref)]
            ctx = who.context(self.consortium)
            wrapped = wrap_all(publics, file.aggregate_id, file.version + 1, ctx, ref.municipality)
            unit.append(file.aggregate_id, file.version, events, wrapped, context=ctx)
            assert new is not None
            return new

        return await self.commands.run(work)

    async def host(self, host_id: str, command: hst.Command, who: Who) -> hst.Host:
        """Run a command on a host (registration, tutors, suspension)."""

        async def work(unit: UnitOfWork) -> hst.Host:
            file = await unit.load(hst.host_decider, host_stream(host_id))
            events = hst.decide(command, file.state, today=who.today)
            publics = [p for e in events for p in for_host(e, host_id, who.today)]
            ctx = who.context(self.consortium)
            wrapped = wrap_all(publics, file.aggregate_id, file.version + 1, ctx, self.consortium)
            unit.append(file.aggregate_id, file.version, events, wrapped, context=ctx)
            new = hst.host_decider.fold(events, file.state)
            assert new is not None
            return new

        return await self.commands.run(work)

    async def placement(self, placement_id: str, command: plc.Command, who: Who) -> Placement:
        """Run a command on a placement; a placement that ends frees its place at the host (in the same unit)."""

        async def work(unit: UnitOfWork) -> Placement:
            file = await unit.load(plc.placement_decider, placement_stream(placement_id))
            state = file.state
            if state is None:
                raise NotFound("Questo inserimento non esiste.", "There is no such placement.")
            person = (await unit.load(cand.candidate_decider, candidate_id(state.person_id))).state
            if isinstance(command, ValidateTrainingProject | ReturnTrainingProject):
                _shared_with_employment_centre(person)
            host = await unit.load(hst.host_decider, host_stream(state.host_id))
            events = plc.decide(
                command,
                state,
                today=who.today,
                rules=self._rules_for(command, state),
                host_tutors=host.state.tutors,
                follow_up_months=tuple(self.territory.follow_up_after_months),
            )
            new = plc.placement_decider.fold(events, state)
            ref = placement_ref(new, person, host.state, who)
            publics = [p for e in events for p in for_placement(e, ref)]
            ctx = who.context(self.consortium)
            envelopes = wrap_all(publics, file.aggregate_id, file.version + 1, ctx, state.municipality)
            unit.append(file.aggregate_id, file.version, events, envelopes, context=ctx)
            if any(isinstance(e, ENDS_A_PLACE) for e in events):
                released = hst.decide(hst.ReleasePlace(placement_id), host.state, today=who.today)
                unit.append(host.aggregate_id, host.version, released, context=ctx)
            assert new is not None
            return new

        return await self.commands.run(work)

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
