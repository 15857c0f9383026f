"""Properties: whatever the order of placements and releases, no keep-apart pair shares a host, no host overflows."""

from __future__ import annotations

from dataclasses import dataclass

from cantiere_placements.domain import events as ev
from cantiere_placements.domain.errors import WrongState
from cantiere_placements.domain.host import Host, ReleasePlace, ReservePlace, host_decider, tokens_of
from cantiere_placements.domain.matching import PersonSafety
from cantiere_placements.domain.rules import host_capacity
from cantiere_placements.domain.values import Clearance
from hypothesis import given, settings
from hypothesis import strategies as st

from .factories import COUNTING, PILOT, TODAY, host_registered, token, uid

PEOPLE = 6
HOSTS = 3


@dataclass(frozen=True)
class Step:
    reserve: bool
    person: int
    host: int


steps = st.lists(st.builds(Step, st.booleans(), st.integers(0, PEOPLE - 1), st.integers(0, HOSTS - 1)), max_size=40)
# A link (a, b): a must be kept apart from b (one direction only: the check must look both ways).
links = st.sets(st.tuples(st.integers(0, PEOPLE - 1), st.integers(0, PEOPLE - 1)).filter(lambda p: p[0] != p[1]))
tokenless = st.sets(st.integers(0, PEOPLE - 1), max_size=2)  # people whose own token never arrived


def safety(person: int, linked: set[tuple[int, int]], missing: set[int]) -> PersonSafety:
    return PersonSafety(
        uid(person + 1),
        own_token=None if person in missing else token(f"p{person}"),
        keep_apart_tokens=tuple(token(f"p{b}") for a, b in sorted(linked) if a == person),
    )


def run(sequence: list[Step], linked: set[tuple[int, int]], missing: set[int], rules=PILOT) -> list[Host]:  # type: ignore[no-untyped-def]
    hosts = [host_decider.fold([host_registered(h + 1, headcount=h * 8)]) for h in range(HOSTS)]
    where: dict[int, tuple[int, str]] = {}
    for n, step in enumerate(sequence):
        state = hosts[step.host]
        assert state is not None
        if step.reserve and step.person not in where:
            person = safety(step.person, linked, missing)
            # The municipality answers about the people at the host as they are (its yes covers them).
            cleared = tokens_of(state.occupants.values())
            command = ReservePlace(uid(10_000 + n), person, 20, Clearance.YES, cleared_tokens=cleared)
            produced = host_decider.decide(command, state, today=TODAY, rules=rules)
            for event in produced:
                if isinstance(event, ev.HostPlaceReserved):
                    where[step.person] = (step.host, event.placement_id)
        elif not step.reserve and step.person in where and where[step.person][0] == step.host:
            produced = host_decider.decide(ReleasePlace(where.pop(step.person)[1]), state, today=TODAY)
        else:
            continue
        hosts[step.host] = host_decider.fold(produced, state)
    return [h for h in hosts if h is not None]


@settings(max_examples=300, deadline=None)
@given(steps, links, tokenless)
def test_a_keep_apart_pair_never_shares_a_host(
    sequence: list[Step], linked: set[tuple[int, int]], missing: set[int]
) -> None:
    for host in run(sequence, linked, missing):
        present = {int(o.person_id.replace("-", ""), 16) - 1 for o in host.occupants.values()}
        for a, b in linked:
            assert not (a in present and b in present), f"{a} and {b} are both at {host.host_id}"


@settings(max_examples=200, deadline=None)
@given(steps)
def test_a_host_never_exceeds_its_capacity_when_inclusion_interns_count(sequence: list[Step]) -> None:
    for host in run(sequence, set(), set(), rules=COUNTING):
        capacity = host_capacity(COUNTING, host.permanent_headcount, is_inclusion=True)
        assert capacity is not None and len(host.occupants) <= capacity


@given(st.sampled_from([Clearance.NO, Clearance.NO_ANSWER]))
def test_without_a_yes_from_the_municipality_no_place_is_reserved(clearance: Clearance) -> None:
    state = host_decider.fold([host_registered(1)])
    command = ReservePlace(uid(70), safety(0, set(), set()), 20, clearance)
    produced = host_decider.decide(command, state, today=TODAY, rules=PILOT)
    assert not any(isinstance(e, ev.HostPlaceReserved) for e in produced)


def test_a_person_holds_one_place_per_host() -> None:
    state = host_decider.fold([host_registered(1)])
    first = ReservePlace(uid(70), safety(0, set(), set()), 20, Clearance.YES)
    state = host_decider.fold(host_decider.decide(first, state, today=TODAY, rules=PILOT), state)
    try:
        host_decider.decide(first, state, today=TODAY, rules=PILOT)
    except WrongState:
        return
    raise AssertionError("a second place was reserved for the same person")
