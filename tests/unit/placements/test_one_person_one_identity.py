"""Keep-apart across spellings and referrals: a link finds the person whatever spelling of the tax code it was
typed in, and two referrals of one person count as one person."""

from __future__ import annotations

from datetime import date

from cantiere_events.identifiers import OMOCODIC_LETTERS, keep_apart_token, token_aliases, typed_token
from cantiere_placements.domain.matching import Occupant, PersonSafety, keep_apart_conflict, keep_apart_pairs
from cantiere_placements.domain.same_person import referred_more_than_once, same_person_as
from stdnum.it import codicefiscale

from tests.integration.referrals.invented import tax_code

from .factories import uid

KEY = b"programme-key"
AUTHOR = tax_code("Oleandro", "Zampognaro", date(1979, 2, 28), female=False)
VICTIM = tax_code("Fiordaliso", "Quartarella", date(1990, 4, 17), female=True)


def variant(code: str, *positions: int) -> str:
    chars = list(code[:15])
    for p in positions:
        chars[p] = OMOCODIC_LETTERS[int(chars[p])]
    return "".join(chars) + codicefiscale.calc_check_digit("".join(chars))


def registered(code: str, placement: int, person: int, links: tuple[str, ...] = ()) -> Occupant:
    """Someone placed, registered with canonical token and aliases (as the referrals service publishes)."""
    return Occupant(
        uid(placement), uid(person), keep_apart_token(code, KEY), links, frozenset(token_aliases(code, KEY))
    )


def test_a_link_typed_as_an_omocodic_variant_finds_the_person_registered_with_the_plain_code() -> None:
    him = registered(AUTHOR, 71, 1)
    her = PersonSafety(uid(2), keep_apart_token(VICTIM, KEY), (keep_apart_token(variant(AUTHOR, 14, 13), KEY),))
    assert keep_apart_conflict(her, [him])


def test_a_link_recorded_before_canonical_tokens_finds_the_person_through_the_aliases() -> None:
    old_link = typed_token(variant(AUTHOR, 12), KEY)  # HMAC of the code as written, as before the fix
    assert old_link != keep_apart_token(AUTHOR, KEY)
    her = registered(VICTIM, 72, 2, links=(old_link,))
    him = PersonSafety(uid(1), keep_apart_token(AUTHOR, KEY), aliases=frozenset(token_aliases(AUTHOR, KEY)))
    assert keep_apart_conflict(him, [her])  # the occupant's link against his tokens: the other direction
    assert keep_apart_pairs([her, registered(AUTHOR, 73, 1)]) == [(uid(72), uid(73))]


def test_without_aliases_a_typed_variant_would_be_missed_which_is_the_hole_this_closes() -> None:
    him = Occupant(uid(71), uid(1), typed_token(AUTHOR, KEY))
    her = PersonSafety(uid(2), keep_apart_token(VICTIM, KEY), (typed_token(variant(AUTHOR, 14), KEY),))
    assert not keep_apart_conflict(her, [him])


def test_candidates_whose_tokens_meet_are_one_person_and_are_grouped_by_a_shared_token() -> None:
    tokens = {
        uid(1): frozenset({keep_apart_token(AUTHOR, KEY), *token_aliases(AUTHOR, KEY)}),  # Capurso, reissued
        uid(2): frozenset({typed_token(variant(AUTHOR, 14), KEY)}),  # Bari, an older registration as written
        uid(3): frozenset({keep_apart_token(VICTIM, KEY)}),
    }
    assert same_person_as(uid(1), tokens) == {uid(2)} and same_person_as(uid(2), tokens) == {uid(1)}
    assert same_person_as(uid(3), tokens) == frozenset()
    groups = referred_more_than_once(tokens)
    assert groups == [(typed_token(variant(AUTHOR, 14), KEY), (uid(1), uid(2)))]
