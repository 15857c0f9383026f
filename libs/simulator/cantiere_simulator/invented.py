"""Invented people and companies: names made of syllables nobody carries, valid tax codes and VAT numbers.

A tax code (codice fiscale) is computed from the invented name, birth date and a Belfiore code, with its
check character, so the services accept it; it belongs to nobody.
"""

from __future__ import annotations

import random
from datetime import date

from stdnum import luhn
from stdnum.it import codicefiscale

MONTHS = "ABCDEHLMPRST"
VOWELS = "AEIOU"
FEMALE = ["Fiordalisa", "Ginestrella", "Azzurrina", "Camomilla", "Verbenella", "Primulina", "Lavandina",
          "Malvarosa", "Ortensiella", "Gelsomina", "Mirtillina", "Salviana", "Violetta", "Timella"]  # fmt: skip
MALE = ["Oleandro", "Rosmarino", "Ginepro", "Lentisco", "Corbezzolo", "Biancospino", "Carrubo"]
SURNAME_HEADS = ["Quarta", "Perv", "Melagr", "Brezz", "Cicl", "Zampogn", "Lentisch", "Farfall", "Girasol",
                 "Trifogl", "Nocciol", "Pervinc", "Cardell", "Ulivastr"]  # fmt: skip
SURNAME_TAILS = ["arella", "inchi", "anati", "olini", "oni", "aro", "ietti", "ucci", "azzo", "elli"]
BELFIORE = {"bari": "A662", "mola-di-bari": "F280", "noicattaro": "F923", "rutigliano": "H643",
            "triggiano": "L425", "adelfia": "A055", "capurso": "B716", "cellamare": "C436",
            "valenzano": "L571"}  # fmt: skip


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
    body = f"{seed:07d}" + "072"  # 7 digits then an office code (072: Bari)
    return body + luhn.calc_check_digit(body)


def invented_name(rng: random.Random, female: bool) -> tuple[str, str]:
    """A first name and a surname (invented)."""
    first = rng.choice(FEMALE if female else MALE)
    return first, rng.choice(SURNAME_HEADS) + rng.choice(SURNAME_TAILS)


def birth_date(rng: random.Random, on: date, least: int = 18, most: int = 58) -> date:
    """A birth date making the person between ``least`` and ``most`` years old on ``on``."""
    year = on.year - rng.randint(least, most)
    return date(year, rng.randint(1, 12), rng.randint(1, 28))
