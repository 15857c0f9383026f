"""Keep-apart pairs among people already placed: the same rule matching refuses by, looked at after the fact."""

from __future__ import annotations

from cantiere_placements.domain.matching import Occupant, PersonSafety, keep_apart_conflict, keep_apart_pairs
from hypothesis import given, settings
from hypothesis import strategies as st

from .factories import token, uid

ANNA = Occupant(uid(71), uid(1), own_token=token("anna"))
BRUNA = Occupant(uid(72), uid(2), own_token=token("bruna"))
CARLA = Occupant(uid(73), uid(3), own_token=token("carla"))


def linked(occupant: Occupant, *names: str) -> Occupant:
    return Occupant(occupant.placement_id, occupant.person_id, occupant.own_token, tuple(token(n) for n in names))


def test_people_without_links_are_no_conflict() -> None:
    assert keep_apart_pairs([ANNA, BRUNA, CARLA]) == []


def test_a_link_names_the_pair_in_the_hosts_order_whichever_of_the_two_holds_it() -> None:
    assert keep_apart_pairs([ANNA, linked(BRUNA, "anna"), CARLA]) == [(ANNA.placement_id, BRUNA.placement_id)]
    assert keep_apart_pairs([linked(ANNA, "bruna"), BRUNA, CARLA]) == [(ANNA.placement_id, BRUNA.placement_id)]


def test_links_both_ways_make_one_pair() -> None:
    assert keep_apart_pairs([linked(ANNA, "bruna"), linked(BRUNA, "anna")]) == [(ANNA.placement_id, BRUNA.placement_id)]


def test_every_pair_a_person_is_in_is_found() -> None:
    found = keep_apart_pairs([linked(ANNA, "bruna", "carla"), BRUNA, CARLA])
    assert found == [(ANNA.placement_id, BRUNA.placement_id), (ANNA.placement_id, CARLA.placement_id)]


def test_an_unknown_token_beside_someone_with_links_is_a_conflict_fail_closed() -> None:
    unknown = Occupant(uid(74), uid(4))
    assert keep_apart_pairs([linked(ANNA, "zoe"), unknown]) == [(ANNA.placement_id, unknown.placement_id)]
    assert keep_apart_pairs([ANNA, unknown]) == []


def test_a_link_to_someone_not_at_the_host_is_no_conflict() -> None:
    assert keep_apart_pairs([linked(ANNA, "zoe"), BRUNA]) == []


PEOPLE = 5
names = st.sampled_from([f"p{n}" for n in range(PEOPLE)])
occupant_lists = st.lists(
    st.builds(
        lambda own, links: (own, links),
        st.one_of(st.none(), names),
        st.lists(names, max_size=3, unique=True),
    ),
    max_size=PEOPLE,
)


def occupants_of(drawn: list[tuple[str | None, list[str]]]) -> list[Occupant]:
    return [
        Occupant(uid(100 + n), uid(n + 1), None if own is None else token(own), tuple(token(x) for x in links))
        for n, (own, links) in enumerate(drawn)
    ]


def as_person(occupant: Occupant) -> PersonSafety:
    return PersonSafety(occupant.person_id, occupant.own_token, occupant.keep_apart_tokens)


@settings(max_examples=300, deadline=None)
@given(occupant_lists)
def test_it_finds_exactly_the_pairs_matching_would_refuse(drawn: list[tuple[str | None, list[str]]]) -> None:
    occupants = occupants_of(drawn)
    refused = {
        (a.placement_id, b.placement_id)
        for i, a in enumerate(occupants)
        for b in occupants[i + 1 :]
        if keep_apart_conflict(as_person(a), [b]) or keep_apart_conflict(as_person(b), [a])
    }
    found = keep_apart_pairs(occupants)
    assert len(found) == len(set(found)) and set(found) == refused


@settings(max_examples=200, deadline=None)
@given(occupant_lists)
def test_someone_is_in_a_pair_exactly_when_matching_would_refuse_them_beside_the_others(
    drawn: list[tuple[str | None, list[str]]],
) -> None:
    occupants = occupants_of(drawn)
    in_pairs = {pid for pair in keep_apart_pairs(occupants) for pid in pair}
    for occupant in occupants:
        others = [o for o in occupants if o is not occupant]
        assert (occupant.placement_id in in_pairs) == keep_apart_conflict(as_person(occupant), others)
