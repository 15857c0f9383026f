"""Invented people and hosts of the end-to-end programme: valid tax codes and VAT numbers from invented data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tests.integration.referrals.invented import tax_code, vat_number


@dataclass(frozen=True)
class Invented:
    """A person a social worker registers: identity for the vault, and what the test needs to play the journey."""

    n: int
    municipality: str
    first_name: str
    surname: str
    born: date
    female: bool
    category: str = "domestic_violence"
    district: str | None = None
    contact_consent: bool = True

    @property
    def tax_code(self) -> str:
        return tax_code(self.first_name, self.surname, self.born, female=self.female)

    def personal_data(self) -> dict[str, Any]:
        return {
            "first_name": self.first_name,
            "surname": self.surname,
            "tax_code": self.tax_code,
            "birth_date": self.born.isoformat(),
            "gender": "female" if self.female else "male",
            "phone": f"+39 333 {self.n:03d} {4000 + self.n:04d}",
            "email": f"{self.first_name}.{self.surname}@example.invalid".lower(),
            "home_address": f"Via delle {self.surname} Immaginarie {self.n}, {self.municipality}",
            "notes": f"Nota riservata inventata numero {self.n} su {self.first_name} {self.surname}",
        }

    def vault_values(self) -> list[str]:
        """Every value that must stay in the vault (gender is a profile field, not an identifier)."""
        return [v for k, v in self.personal_data().items() if k != "gender"]


BARI, MOLA = "bari", "mola-di-bari"

# The first of Bari and the first of Mola di Bari must be kept apart (she is the victim, he the author).
PEOPLE = [
    Invented(1, BARI, "Fiordaliso", "Quartarella", date(1990, 4, 17), True, district="municipio-1"),
    Invented(2, BARI, "Ginestra", "Pervinchi", date(1985, 11, 3), True, district="municipio-2"),
    Invented(3, BARI, "Azzurrina", "Melagranati", date(1992, 6, 21), True, category="stalking", district="municipio-1"),
    Invented(4, BARI, "Camomilla", "Brezzolini", date(1988, 9, 9), True, district="municipio-3"),
    Invented(5, BARI, "Verbenella", "Ciclamoni", date(1979, 1, 30), True, category="gender_based_violence"),
    Invented(6, MOLA, "Oleandro", "Zampognaro", date(1979, 2, 28), False, category="author_of_violence"),
    Invented(7, MOLA, "Primulina", "Lentischietti", date(1995, 12, 12), True, contact_consent=False),
]
VICTIM, AUTHOR = PEOPLE[0], PEOPLE[5]


@dataclass(frozen=True)
class InventedHost:
    """A host site joining the programme."""

    n: int
    site_municipality: str
    sector_code: str

    @property
    def vat_number(self) -> str:
        return vat_number(7_000 + self.n)

    def registration(self) -> dict[str, Any]:
        return {
            "vat_number": self.vat_number,
            "site_municipality": self.site_municipality,
            "sector_code": self.sector_code,
            "permanent_headcount": 40,
            "declarations": {
                "no_layoffs_last_12_months": True,
                "safety_law_compliant": True,
                "disability_quota_compliant": True,
                "collective_agreement_applied": True,
            },
        }


HOSTS = [InventedHost(1, BARI, "56.10.11"), InventedHost(2, MOLA, "47.11"), InventedHost(3, "triggiano", "88.10")]
