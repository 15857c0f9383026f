"""Pure checks on identifiers: tax code, VAT number, age band; the canonical forms come from the contract."""

from __future__ import annotations

from datetime import date

from cantiere_events import identifiers
from cantiere_events.codes import AgeBand

from cantiere_referrals.domain.errors import InvalidBirthDate, InvalidTaxCode, InvalidVatNumber


def valid_tax_code(value: str) -> str:
    """The compact, upper-case codice fiscale as written; InvalidTaxCode when it fails its check character."""
    try:
        return identifiers.valid_tax_code(value)
    except identifiers.InvalidTaxCode:
        raise InvalidTaxCode() from None


def canonical_tax_code(value: str) -> str:
    """The canonical form of a tax code (omocodic letters back to digits); InvalidTaxCode when not valid."""
    try:
        return identifiers.canonical_tax_code(value)
    except identifiers.InvalidTaxCode:
        raise InvalidTaxCode() from None


def valid_vat_number(value: str) -> str:
    """The canonical partita IVA of a host; InvalidVatNumber when it fails its check digit."""
    try:
        return identifiers.canonical_vat_number(value)
    except identifiers.InvalidVatNumber:
        raise InvalidVatNumber() from None


def age_on(birth_date: date, day: date) -> int:
    """Whole years of age on a day."""
    if birth_date > day:
        raise InvalidBirthDate()
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_band(birth_date: date, day: date) -> AgeBand:
    """The age band on a day: the only age that leaves the vault."""
    return AgeBand.for_age(age_on(birth_date, day))
