"""Invented people for tests: a valid codice fiscale computed from invented data (never a real person)."""

from __future__ import annotations

from datetime import date

from stdnum.it import codicefiscale

MONTHS = "ABCDEHLMPRST"
VOWELS = "AEIOU"


def _letters(text: str) -> tuple[str, str]:
    upper = [ch for ch in text.upper() if ch.isalpha()]
    return "".join(ch for ch in upper if ch not in VOWELS), "".join(ch for ch in upper if ch in VOWELS)


def _surname_part(surname: str) -> str:
    consonants, vowels = _letters(surname)
    return (consonants + vowels + "XXX")[:3]


def _name_part(name: str) -> str:
    consonants, vowels = _letters(name)
    if len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    return (consonants + vowels + "XXX")[:3]


def tax_code(name: str, surname: str, born: date, *, female: bool, place: str = "A662") -> str:
    """A codice fiscale with a correct check character for invented data (place: a Belfiore code)."""
    day = born.day + (40 if female else 0)
    body = f"{_surname_part(surname)}{_name_part(name)}{born.year % 100:02d}{MONTHS[born.month - 1]}{day:02d}{place}"
    return body + codicefiscale.calc_check_digit(body)


def vat_number(seed: int) -> str:
    """A partita IVA with a correct check digit, made from a number (invented hosts)."""
    from stdnum import luhn

    body = f"{seed:07d}" + "072"  # 7 digits then an office code (072: Bari)
    return body + luhn.calc_check_digit(body)


PEOPLE = {
    "Fiordaliso Quartarella": tax_code("Fiordaliso", "Quartarella", date(1990, 4, 17), female=True),
    "Ginestra Pervinchi": tax_code("Ginestra", "Pervinchi", date(1985, 11, 3), female=True),
    "Oleandro Zampognaro": tax_code("Oleandro", "Zampognaro", date(1979, 2, 28), female=False),
}
