"""One person, one identity: every spelling of a tax code gives one canonical form and one keep-apart token."""

from __future__ import annotations

import string
from datetime import date

import pytest
from cantiere_events.identifiers import (
    OMOCODIC_LETTERS,
    OMOCODIC_POSITIONS,
    InvalidTaxCode,
    InvalidVatNumber,
    canonical_tax_code,
    canonical_vat_number,
    keep_apart_token,
    spellings,
    token_aliases,
    typed_token,
)
from hypothesis import given
from hypothesis import strategies as st
from stdnum.it import codicefiscale

from tests.integration.referrals.invented import tax_code

KEY = b"programme-key-of-the-tests"
MONTHS = "ABCDEHLMPRST"


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    """A valid tax code made from invented parts (letters, a birth date, a Belfiore-shaped place)."""
    letters = draw(st.text(string.ascii_uppercase, min_size=6, max_size=6))
    born = draw(st.dates(date(1920, 1, 1), date(2019, 12, 31)))
    female = draw(st.booleans())
    place = draw(st.sampled_from("ABCDEFGHILMZ")) + f"{draw(st.integers(0, 999)):03d}"
    day = born.day + (40 if female else 0)
    body = f"{letters}{born.year % 100:02d}{MONTHS[born.month - 1]}{day:02d}{place}"
    return body + codicefiscale.calc_check_digit(body)


@st.composite
def omocodic_variant(draw: st.DrawFn, code: str) -> str:
    """The code with letters in place of the digits at any subset of the omocodic positions, check recomputed."""
    chars = list(code[:15])
    for position in draw(st.sets(st.sampled_from(OMOCODIC_POSITIONS))):
        chars[position] = OMOCODIC_LETTERS[int(chars[position])]
    body = "".join(chars)
    return body + codicefiscale.calc_check_digit(body)


@given(st.data())
def test_every_omocodic_variant_of_a_code_gives_the_same_token(data: st.DataObject) -> None:
    code = data.draw(valid_codes())
    variant = data.draw(omocodic_variant(code))
    assert codicefiscale.is_valid(variant)  # python-stdnum accepts the variant as a valid code
    assert canonical_tax_code(variant) == canonical_tax_code(code) == code
    assert keep_apart_token(variant, KEY) == keep_apart_token(code, KEY)
    assert keep_apart_token(variant.lower(), KEY) == keep_apart_token(f" {code[:8]} {code[8:]} ", KEY)


@given(valid_codes(), st.data())
def test_canonicalisation_is_idempotent(code: str, data: st.DataObject) -> None:
    once = canonical_tax_code(data.draw(omocodic_variant(code)))
    assert canonical_tax_code(once) == once
    assert all(once[p].isdigit() for p in OMOCODIC_POSITIONS)


@given(valid_codes(), valid_codes(), st.data())
def test_two_codes_share_a_token_exactly_when_their_canonical_forms_are_equal(
    one: str, other: str, data: st.DataObject
) -> None:
    a, b = data.draw(omocodic_variant(one)), data.draw(omocodic_variant(other))
    same_token = keep_apart_token(a, KEY) == keep_apart_token(b, KEY)
    assert same_token == (canonical_tax_code(a) == canonical_tax_code(b))


@given(valid_codes(), st.data())
def test_a_link_typed_in_any_spelling_before_canonical_tokens_is_among_the_persons_aliases(
    code: str, data: st.DataObject
) -> None:
    typed = data.draw(omocodic_variant(code))
    named = {keep_apart_token(code, KEY), *token_aliases(code, KEY)}
    assert typed_token(typed, KEY) in named  # the old token of the code as written still finds the person


def test_a_code_has_128_spellings_all_valid_and_distinct() -> None:
    code = tax_code("Oleandro", "Zampognaro", date(1979, 2, 28), female=False)
    found = list(spellings(code))
    assert len(found) == len(set(found)) == 2 ** len(OMOCODIC_POSITIONS)
    assert all(codicefiscale.is_valid(s) and canonical_tax_code(s) == code for s in found)
    assert len(token_aliases(code, KEY)) == 127 and keep_apart_token(code, KEY) not in token_aliases(code, KEY)


def test_two_people_whose_codes_collide_share_a_canonical_form_and_are_taken_for_one() -> None:
    """The revenue agency gives the second person an omocodic code; the canonical form joins them (fail closed)."""
    first = tax_code("Oleandro", "Zampognaro", date(1979, 2, 28), female=False)
    chars = list(first[:15])
    chars[14] = OMOCODIC_LETTERS[int(chars[14])]
    second = "".join(chars) + codicefiscale.calc_check_digit("".join(chars))
    assert second != first and keep_apart_token(second, KEY) == keep_apart_token(first, KEY)


@pytest.mark.parametrize("bad", ["", "ZMPLDR79B28A662", "ZMPLDR79B28A662X", "00743110157", "ZMPLDR79B28A66ZQ"])
def test_what_is_not_a_persons_tax_code_is_refused(bad: str) -> None:
    with pytest.raises(InvalidTaxCode):
        canonical_tax_code(bad)


def test_a_vat_number_has_one_form_without_prefix_or_separators() -> None:
    assert canonical_vat_number("IT 00743110157") == canonical_vat_number("00743110157") == "00743110157"
    with pytest.raises(InvalidVatNumber):
        canonical_vat_number("00743110158")


def test_the_birth_date_reads_the_same_in_every_spelling() -> None:
    born = date(2000, 2, 29)
    code = tax_code("Azzurrina", "Melagranati", born, female=True)
    assert {codicefiscale.get_birth_date(s, minyear=1920) for s in spellings(code)} == {born}
