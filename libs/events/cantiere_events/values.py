"""Constrained values of the contract: pseudonymous ids, territory and sector codes, months, hours, money.

Each is an ``Annotated`` type, so its constraint shows in the JSON Schema and every
partner validates it the same way. None of them can hold a name, a tax code, an
address, a phone number or an e-mail address.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from cantiere_events.envelope import TENANT_PATTERN

UUID_TEXT = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def _uuid_as_text(value: Any) -> Any:
    """Accept a ``uuid.UUID`` where an id is expected, as its canonical text."""
    return str(value) if isinstance(value, uuid.UUID) else value


def _id(what: str) -> Any:
    return Field(pattern=UUID_TEXT, description=f"pseudonymous id of {what}: a random or time-ordered UUID as text")


_AS_TEXT = BeforeValidator(_uuid_as_text)
PersonId = Annotated[str, _id("a referred person, the same in every service"), _AS_TEXT]
ReferralId = Annotated[str, _id("a referral"), _AS_TEXT]
HostId = Annotated[str, _id("a host company site"), _AS_TEXT]
TutorId = Annotated[str, _id("a tutor (a user id, never a name)"), _AS_TEXT]
PlacementId = Annotated[str, _id("a placement proposal"), _AS_TEXT]
AgreementId = Annotated[str, _id("an internship agreement (convenzione)"), _AS_TEXT]
InternshipId = Annotated[str, _id("an internship"), _AS_TEXT]

MunicipalityCode = Annotated[
    str,
    Field(pattern=TENANT_PATTERN, description="a municipality's code in the territory configuration, e.g. 'bari'"),
]
DistrictCode = Annotated[
    str,
    Field(pattern=TENANT_PATTERN, description="a district (municipio) code in the territory configuration"),
]
SectorCode = Annotated[
    str,
    Field(
        pattern=r"^(?:[A-U]|[0-9]{2}(?:\.[0-9]{1,2}){0,2})$",
        description="an ATECO 2007 code: section letter, or division to subcategory, e.g. '56.10.11'",
    ),
]
VatNumber = Annotated[
    str,
    Field(pattern=r"^[0-9]{11}$", description="an Italian VAT number (partita IVA): a company's public id"),
]
KeepApartToken = Annotated[
    str,
    Field(
        pattern=r"^[0-9a-f]{64}$",
        description="HMAC-SHA256 of a tax code with the programme key, as hex: reveals nobody's identity",
    ),
]
KeyId = Annotated[
    str,
    Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,31}$", description="which programme key made a keep-apart token"),
]
EscoConcept = Annotated[
    str,
    Field(
        pattern=r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[SKTL][0-9]{1,4}(?:\.[0-9]{1,3}){0,4})$",
        description="an ESCO skill: the UUID of its concept URI, or its skills-pillar code such as 'S1.2.3'",
    ),
]
ProgrammeCode = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_.-]{0,63}$",
        description="a code from the programme's configured lists (competences, training objectives)",
    ),
]
Month = Annotated[
    str,
    Field(pattern=r"^(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])$", description="a calendar month as 'YYYY-MM'"),
]
Hours = Annotated[
    Decimal,
    Field(ge=0, le=744, max_digits=5, decimal_places=2),
    WithJsonSchema(
        {
            "description": "hours, to the hundredth, at most a month's (744); sent as a decimal string",
            "anyOf": [
                {"type": "string", "pattern": r"^[0-9]{1,3}(?:\.[0-9]{1,2})?$"},
                {"type": "number", "minimum": 0, "maximum": 744, "multipleOf": 0.01},
            ],
        }
    ),
]
WeeklyHours = Annotated[int, Field(ge=1, le=48, description="hours a week")]
Cents = Annotated[int, Field(ge=0, description="an amount in euro cents")]
FormVersion = Annotated[
    str,
    Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$", description="the version of the consent form signed"),
]
ReferenceNumber = Annotated[
    str,
    Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9/._-]{0,39}$", description="an administrative protocol number"),
]
RuleSetId = Annotated[
    str,
    Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$", description="the id of the configured rule set that was applied"),
]
