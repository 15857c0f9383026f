"""Canonical forms of the identifiers partners compare, and the keep-apart tokens made from tax codes.

Every service that compares, hashes or stores a tax code or a VAT number goes through here, so two
spellings of one identifier can never be taken for two people or two companies.

A codice fiscale may be *omocodic*: when two people's codes would collide, the revenue agency replaces
digits with letters (L M N P Q R S T U V for 0-9) at positions 7, 8, 10, 11, 13, 14, 15 (1-based) and
recomputes the check character. The canonical form maps those letters back to digits and recomputes the
check character. Two different people whose codes collide share a canonical form: keep-apart then treats
them as one, which refuses a placement (fails closed) and never misses a pair.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from itertools import product

from stdnum.exceptions import ValidationError
from stdnum.it import codicefiscale, iva

OMOCODIC_POSITIONS = (6, 7, 9, 10, 12, 13, 14)  # 0-based: positions 7, 8, 10, 11, 13, 14, 15
OMOCODIC_LETTERS = "LMNPQRSTUV"  # the letter standing for 0, 1, ..., 9
_DIGIT_OF = {letter: str(digit) for digit, letter in enumerate(OMOCODIC_LETTERS)}


class InvalidTaxCode(ValueError):
    """Not a person's codice fiscale: wrong length, format, check character or date."""


class InvalidVatNumber(ValueError):
    """Not a partita IVA: wrong length or check digit."""


def valid_tax_code(value: str) -> str:
    """The compact, upper-case tax code as written (omocodic letters kept); InvalidTaxCode when it is not valid."""
    try:
        compact = str(codicefiscale.validate(value))
    except ValidationError:
        raise InvalidTaxCode(value) from None
    if len(compact) != 16:  # an 11-digit code is a company's, not a person's
        raise InvalidTaxCode(value)
    return compact


def canonical_tax_code(value: str) -> str:
    """The one form of a person's tax code: omocodic letters back to digits, upper case, check recomputed."""
    code = list(valid_tax_code(value))
    for position in OMOCODIC_POSITIONS:
        code[position] = _DIGIT_OF.get(code[position], code[position])
    body = "".join(code[:15])
    return body + codicefiscale.calc_check_digit(body)


def spellings(value: str) -> Iterator[str]:
    """Every valid spelling of the same tax code (its canonical form and all 127 omocodic variants)."""
    body = canonical_tax_code(value)[:15]
    choices = [(ch, OMOCODIC_LETTERS[int(ch)]) if i in OMOCODIC_POSITIONS else (ch,) for i, ch in enumerate(body)]
    for chars in product(*choices):
        spelled = "".join(chars)
        yield spelled + codicefiscale.calc_check_digit(spelled)


def _hmac(text: str, programme_key: bytes) -> str:
    return hmac.new(programme_key, text.encode("ascii"), hashlib.sha256).hexdigest()


def keep_apart_token(tax_code: str, programme_key: bytes) -> str:
    """HMAC-SHA256 of the canonical tax code with the programme key, as hex: links people without naming them."""
    return _hmac(canonical_tax_code(tax_code), programme_key)


def typed_token(tax_code: str, programme_key: bytes) -> str:
    """The token as made before canonical forms: HMAC of the code as written (still counted while retiring)."""
    return _hmac(valid_tax_code(tax_code), programme_key)


def token_aliases(tax_code: str, programme_key: bytes) -> tuple[str, ...]:
    """The tokens of every other spelling of the code, sorted: a link typed in any spelling before canonical
    tokens existed still finds the person. Harmless by construction: only codes with the same canonical
    form share them, and those already count as one person."""
    canonical = canonical_tax_code(tax_code)
    return tuple(sorted(_hmac(s, programme_key) for s in spellings(canonical) if s != canonical))


def canonical_vat_number(value: str) -> str:
    """The one form of a partita IVA: 11 digits, no country prefix or separators; InvalidVatNumber otherwise."""
    try:
        return str(iva.validate(value))
    except ValidationError:
        raise InvalidVatNumber(value) from None
