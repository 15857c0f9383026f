"""Proposing a placement: local safety checks, then the municipality's clearance, then the reservation.

The place is reserved on the host's stream with optimistic concurrency, so two proposals racing for
the same host are decided one after the other against the same occupants.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from cantiere_events import placements as pub
from cantiere_events import uuid7
from cantiere_events.codes import PlacementRefusalCheck
from cantiere_events.common import HourWindow
from cantiere_runtime.unit_of_work import Aggregate, UnitOfWork

from cantiere_placements.adapters.identity_tokens import tokens_by_person
from cantiere_placements.domain import events as ev
from cantiere_placements.domain import host as hst
from cantiere_placements.domain.agreement import OpenPlacement
from cantiere_placements.domain.candidate import Candidate, candidate_decider
from cantiere_placements.domain.errors import NotFound, WrongState
from cantiere_placements.domain.matching import Occupant, PersonSafety, local_checks
from cantiere_placements.domain.placement import decide as decide_placement
from cantiere_placements.domain.same_person import same_person_as
from cantiere_placements.domain.values import Clearance
from cantiere_placements.service_layer.handlers import Placements, person_ref
from cantiere_placements.service_layer.publish import PlacementRef, for_placement
from cantiere_placements.service_layer.unit import Who, candidate_id, host_stream, placement_stream, reading, wrap_all

CLEARANCE_ATTEMPTS = 3  # questions to the municipality before a moving host is refused


@dataclass(frozen=True)
class Proposal:
    """The outcome of a proposal: a placement id, or the name of the check that refused it."""

    placement_id: str
    refused: PlacementRefusalCheck | None


async def safety_of(view: UnitOfWork, person: Candidate) -> PersonSafety:
    """What matching needs of a candidate, with the keep-apart links of every referral of the same person."""
    return PersonSafety(
        person.person_id,
        person.own_token,
        await _links_of_one_person(view, person.person_id, person.keep_apart_tokens),
        person.excluded_municipalities,
        person.excluded_hosts,
        person.max_hours_per_week,
        person.hour_windows,
        frozenset(person.own_aliases),
    )


async def _links_of_one_person(view: UnitOfWork, person_id: str, links: tuple[str, ...]) -> tuple[str, ...]:
    """A candidate's links joined with those of the other referrals of the same person (same tokens)."""
    others = same_person_as(person_id, await tokens_by_person(view.conn))
    merged = list(links)
    for other_id in sorted(others):
        other = (await view.load(candidate_decider, candidate_id(other_id))).state
        merged += other.keep_apart_tokens if other else ()
    return tuple(dict.fromkeys(merged))


async def propose_placement(
    svc: Placements,
    person_id: str,
    host_id: str,
    hours_per_week: int,
    who: Who,
    schedule: tuple[HourWindow, ...] = (),
) -> Proposal:
    """Propose a placement; every refusal is recorded and names only the failed check.

    The municipality's clearance covers the people at the host it was told about, and the person as they were
    when it was asked: if someone else took a place meanwhile, or the person's constraints or tokens changed,
    it is asked again; on the last attempt the reservation refuses (fail closed). An erasure or a withdrawn
    consent that arrives meanwhile stops the proposal, as it would have before the question.
    """
    async with reading(svc.store) as view:
        person = await _placeable(view, person_id)
        host = (await view.load(hst.host_decider, host_stream(host_id))).state
        if host is None:
            raise NotFound("Questa azienda non esiste.", "There is no such host.")
        safety = await safety_of(view, person)
        occupants: list[Occupant] = await current_occupants(view, host)
    rules = svc.territory.rule_set_on(who.today)
    for attempt in range(1, CLEARANCE_ATTEMPTS + 1):
        clearance, cleared = Clearance.NO_ANSWER, frozenset[str]()
        if local_checks(safety, host.facts, occupants, hours_per_week, rules, schedule) is None:
            cleared = hst.tokens_of(occupants)
            clearance = await svc.referrals.clearance(
                person.municipality, person_id, host.vat_number, host.site_municipality, sorted(cleared)
            )
        asked = _Asked(person_id, host_id, hours_per_week, schedule, safety, clearance, cleared)
        decided = await svc.commands.run(partial(_reserve, svc, asked, who, last=attempt == CLEARANCE_ATTEMPTS))
        if isinstance(decided, Proposal):
            return decided
        person, safety, host, occupants = decided.person, decided.safety, decided.host, decided.occupants
    raise AssertionError("unreachable: the last attempt always decides")  # pragma: no cover


@dataclass(frozen=True)
class _Asked:
    """A proposal as the municipality was asked about it, and its answer."""

    person_id: str
    host_id: str
    hours_per_week: int
    schedule: tuple[HourWindow, ...]
    safety: PersonSafety  # the person as they were when asked
    clearance: Clearance
    cleared: frozenset[str]  # the tokens of the people at the host it was told about


@dataclass(frozen=True)
class _AskAgain:
    """Someone arrived at the host, or the person changed, after the question: the facts to ask about now."""

    person: Candidate
    safety: PersonSafety
    host: hst.Host
    occupants: list[Occupant]


async def _reserve(svc: Placements, asked: _Asked, who: Who, unit: UnitOfWork, *, last: bool) -> Proposal | _AskAgain:
    """Decide the reservation on the person and the host as they are inside this unit of work.

    News about the person may have arrived while the municipality answered; the append fails (and the unit is
    decided again) if the host moved. No other append (the intake's news about the person or the occupants)
    commits until this one does.
    """
    await svc.store.lock_appends(unit.conn)
    person = await _placeable(unit, asked.person_id)
    safety = await safety_of(unit, person)
    host = await unit.load(hst.host_decider, host_stream(asked.host_id))
    if host.state is None:
        raise NotFound("Questa azienda non esiste.", "There is no such host.")
    fresh = tuple(await current_occupants(unit, host.state))
    now_there = hst.occupants_now(host.state, fresh)
    arrived = asked.clearance is Clearance.YES and not hst.cleared_for(now_there, asked.cleared)
    if (arrived or safety != asked.safety) and not last:
        return _AskAgain(person, safety, host.state, now_there)
    # Fail closed: an answer about the person as they were does not cover who they are now.
    clearance = asked.clearance if safety == asked.safety else Clearance.NO_ANSWER
    command = hst.ReservePlace(
        str(uuid7()), safety, asked.hours_per_week, clearance, fresh, asked.schedule, asked.cleared
    )
    return Proposal(command.placement_id, _record(svc, unit, person, host, command, who))


async def _placeable(view: UnitOfWork, person_id: str) -> Candidate:
    """The candidate as the view sees them, who may be placed, or a DomainError."""
    person = (await view.load(candidate_decider, candidate_id(person_id))).state
    if person is None:
        raise NotFound(
            "Per questa persona non è arrivata nessuna segnalazione.", "No referral has arrived for this person."
        )
    if not person.placeable:
        raise WrongState(
            "Ora questa persona non può essere inserita"
            " (segnalazione non accolta, consenso revocato o dati cancellati).",
            "This person cannot be placed now (not accepted, consent withdrawn or data erased).",
        )
    return person


def _record(
    svc: Placements,
    unit: UnitOfWork,
    person: Candidate,
    file: Aggregate[hst.Host],
    command: hst.ReservePlace,
    who: Who,
) -> PlacementRefusalCheck | None:
    """Reserve (or refuse) the place, open the placement, queue the public events: in the caller's unit of work."""
    rules = svc.territory.rule_set_on(who.today)
    host = file.state
    events = hst.decide(command, host, today=who.today, rules=rules)
    ctx = who.context(svc.consortium)
    unit.append(file.aggregate_id, file.version, events, context=ctx)
    refused = next((e.check for e in events if isinstance(e, ev.HostPlaceRefused)), None)
    placement_id, hours_per_week, clearance = command.placement_id, command.hours_per_week, command.clearance
    opened = [] if refused else _open(person, host, placement_id, hours_per_week, who)
    ref = PlacementRef(
        person_ref(person, who),
        placement_id,
        host.host_id,
        host.site_municipality,
        host.sector_code,
        hours_per_week,
        None,
    )
    publics: list[pub.PlacementsEvent] = []
    ids = {"person_id": person.person_id, "referral_id": person.referral_id, "placement_id": placement_id}
    if clearance is not Clearance.NO_ANSWER or refused is PlacementRefusalCheck.CLEARANCE_DENIED:
        # A yes that no longer covers everyone at the host refuses the placement: never published as cleared.
        cleared = clearance is Clearance.YES and refused is not PlacementRefusalCheck.CLEARANCE_DENIED
        publics.append(pub.PlacementSafetyCleared(**ids, host_id=host.host_id, cleared=cleared))
    if refused:
        publics.append(pub.PlacementRefused(**ids, host_id=host.host_id, failed_check=refused))
    publics.extend(p for e in opened for p in for_placement(e, ref))  # type: ignore[misc]
    stream = placement_stream(placement_id)
    envelopes = wrap_all(publics, stream, 1, ctx, person.municipality)
    unit.append(stream, 0, opened, envelopes, context=ctx)
    return refused


async def current_occupants(view: UnitOfWork, host: hst.Host) -> list[Occupant]:
    """The host's occupants with their current tokens, read from their candidate records (links joined with
    those of the other referrals of the same person)."""
    found = []
    for held in host.occupants.values():
        person = (await view.load(candidate_decider, candidate_id(held.person_id))).state
        if person is None:
            found.append(held)
            continue
        safety = await safety_of(view, person)
        found.append(
            Occupant(held.placement_id, held.person_id, safety.own_token, safety.keep_apart_tokens, safety.aliases)
        )
    return found


def _open(person: Candidate, host: hst.Host, placement_id: str, hours: int, who: Who) -> list[ev.Event]:
    command = OpenPlacement(
        placement_id, person.person_id, person.referral_id, person.municipality, host.host_id, hours
    )
    return decide_placement(command, None, today=who.today)
