"""Pure checks on identifiers: tax code, VAT number, age band, and keep-apart tokens (HMAC of a tax code)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from cantiere_events.codes import AgeBand
from stdnum.exceptions import ValidationError
from stdnum.it import codicefiscale, iva

from cantiere_referrals.domain.errors import InvalidBirthDate, InvalidTaxCode, InvalidVatNumber


def valid_tax_code(value: str) -> str:
    """The compact, upper-case codice fiscale of a person; InvalidTaxCode when it fails its check character."""
    try:
        compact = codicefiscale.validate(value)
    except ValidationError:
        raise InvalidTaxCode() from None
    if len(compact) != 16:  # an 11-digit code is a company's, not a person's
        raise InvalidTaxCode()
    return compact


def valid_vat_number(value: str) -> str:
    """The compact partita IVA of a host; InvalidVatNumber when it fails its check digit."""
    try:
        return str(iva.validate(value))
    except ValidationError:
        raise InvalidVatNumber() from None


def age_on(birth_date: date, day: date) -> int:
    """Whole years of age on a day."""
    if birth_date > day:
        raise InvalidBirthDate()
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_band(birth_date: date, day: date) -> AgeBand:
    """The age band on a day: the only age that leaves the vault."""
    return AgeBand.for_age(age_on(birth_date, day))


def keep_apart_token(tax_code: str, programme_key: bytes) -> str:
    """HMAC-SHA256 of a validated tax code with the programme key, as hex: links people without naming them."""
    return hmac.new(programme_key, valid_tax_code(tax_code).encode("ascii"), hashlib.sha256).hexdigest()
