"""The cast of a simulated programme: invented people and host companies, and what each will go through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cantiere_simulator.invented import BELFIORE, tax_code, vat_number

# How a person's path ends, decided when the programme is planned.
PLACED, DECLINED, WITHDRAWN, NO_PLACEMENT = "placed", "declined", "withdrawn", "no_placement"


@dataclass(frozen=True)
class Person:
    """Someone a social worker registers and refers; identity for the vault, the rest for the journey."""

    n: int
    municipality: str
    district: str | None
    first_name: str
    surname: str
    born: date
    female: bool
    category: str
    referring_service: str
    contact_consent: bool
    path: str
    keep_apart_from: tuple[int, ...] = ()  # other people (by n) this one must never share a host with

    @property
    def tax_code(self) -> str:
        place = BELFIORE.get(self.municipality, "A662")
        return tax_code(self.first_name, self.surname, self.born, female=self.female, place=place)

    def personal_data(self) -> dict[str, Any]:
        """What the social worker types in: it goes to the municipality's vault and nowhere else."""
        return {
            "first_name": self.first_name,
            "surname": self.surname,
            "tax_code": self.tax_code,
            "birth_date": self.born.isoformat(),
            "gender": "female" if self.female else "male",
            "phone": f"+39 333 {self.n:03d} {5000 + self.n:04d}",
            "email": f"{self.first_name}.{self.surname}.{self.n}@example.invalid".lower(),
            "home_address": f"Via delle {self.surname} Immaginarie {self.n}",
            "notes": f"Nota riservata inventata {self.n}: {self.first_name} {self.surname}",
        }

    def planted_values(self) -> list[str]:
        """Every personal value that must never leave the municipality's vault (nor reach a log)."""
        data = self.personal_data()
        return [data[k] for k in ("surname", "tax_code", "phone", "email", "home_address", "notes")]


@dataclass(frozen=True)
class Host:
    """A host company site recruited by the consortium."""

    n: int
    site_municipality: str
    sector_code: str
    headcount: int

    @property
    def vat_number(self) -> str:
        return vat_number(8_000 + self.n)

    def registration(self) -> dict[str, Any]:
        """The registration, with the declarations the rule set in force asks of a host."""
        return {
            "vat_number": self.vat_number,
            "site_municipality": self.site_municipality,
            "sector_code": self.sector_code,
            "permanent_headcount": self.headcount,
            "declarations": {
                "no_layoffs_last_12_months": True,
                "safety_law_compliant": True,
                "disability_quota_compliant": True,
                "collective_agreement_applied": True,
            },
        }
