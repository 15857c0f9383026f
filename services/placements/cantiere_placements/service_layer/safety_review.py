"""Keep-apart conflicts among people already placed: a link or a token that arrived after both took a place.

Matching refuses such a pair; once both hold a place, only this review can show it. It reads the store with
the occupants' current tokens, and answers with pseudonymous ids only: never a token, never which of the two
must avoid the other (that reason is protected).
"""

from __future__ import annotations

from dataclasses import dataclass

from cantiere_runtime.store import EventStore
from cantiere_runtime.unit_of_work import UnitOfWork

from cantiere_placements.adapters.identity_tokens import tokens_by_person
from cantiere_placements.adapters.reserved_hosts import hosts_with_reservations
from cantiere_placements.domain import host as hst
from cantiere_placements.domain import same_person
from cantiere_placements.domain.matching import keep_apart_pairs
from cantiere_placements.service_layer.matching import current_occupants
from cantiere_placements.service_layer.unit import host_stream, reading


@dataclass(frozen=True)
class SafetyConflict:
    """Two placements at one host whose people must be kept apart (in the host's order, not by direction)."""

    host_id: str
    placement_ids: tuple[str, str]
    person_ids: tuple[str, str]


async def conflicts_at(view: UnitOfWork, host_id: str) -> list[SafetyConflict]:
    """The conflicts among the people holding a place at one host now."""
    host = (await view.load(hst.host_decider, host_stream(host_id))).state
    if host is None or len(host.occupants) < 2:
        return []
    occupants = await current_occupants(view, host)
    person_of = {o.placement_id: o.person_id for o in occupants}
    return [SafetyConflict(host_id, (a, b), (person_of[a], person_of[b])) for a, b in keep_apart_pairs(occupants)]


async def safety_conflicts(store: EventStore) -> list[SafetyConflict]:
    """The conflicts at every host with people placed, computed now (one read transaction)."""
    async with reading(store) as view:
        found: list[SafetyConflict] = []
        for host_id in await hosts_with_reservations(view.conn):
            found += await conflicts_at(view, host_id)
        return found


@dataclass(frozen=True)
class ReferredMoreThanOnce:
    """Candidates that are one person (their tokens meet): referred by more than one municipality, or twice."""

    token: str  # a token they share: names nobody, lets the coordinator ask the municipalities
    person_ids: tuple[str, ...]


async def referred_more_than_once(store: EventStore) -> list[ReferredMoreThanOnce]:
    """Every group of candidates that are one person, read from the store now."""
    async with reading(store) as view:
        groups = same_person.referred_more_than_once(await tokens_by_person(view.conn))
    return [ReferredMoreThanOnce(token, person_ids) for token, person_ids in groups]


async def conflicts_involving(view: UnitOfWork, person_id: str) -> list[SafetyConflict]:
    """The conflicts in which this person is one of the two, as the view (the caller's transaction) sees them."""
    found: list[SafetyConflict] = []
    for host_id in await hosts_with_reservations(view.conn, person_id):
        found += [c for c in await conflicts_at(view, host_id) if person_id in c.person_ids]
    return found
