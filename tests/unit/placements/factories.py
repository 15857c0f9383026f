"""Invented data for the placements domain tests: people, hosts, tokens, rule sets."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from cantiere_events.codes import AgeBand, EducationLevel, Gender
from cantiere_events.common import CandidateProfile, HostDeclarations
from cantiere_placements.domain import events as ev
from cantiere_runtime.rules import rule_set
from stdnum import luhn

TODAY = date(2008, 3, 3)
PILOT = rule_set("puglia-2008-pilot")
CURRENT = rule_set("puglia-lr-26-2023")
COUNTING = PILOT.model_copy(update={"inclusion_interns_count_toward_limit": True})
COMPLIANT = HostDeclarations(
    no_layoffs_last_12_months=True,
    safety_law_compliant=True,
    disability_quota_compliant=True,
    collective_agreement_applied=True,
)
PROFILE = CandidateProfile(
    age_band=AgeBand.FROM_25_TO_34,
    gender=Gender.FEMALE,
    education_level=EducationLevel.LOWER_SECONDARY,
    preferred_sectors=("56",),
)


def uid(n: int) -> str:
    """A stable invented UUID."""
    return str(uuid.UUID(int=n))


def token(name: str) -> str:
    """An invented keep-apart token (64 hex digits)."""
    return hashlib.sha256(name.encode()).hexdigest()


def vat(n: int) -> str:
    """A valid invented partita IVA."""
    base = f"{n:07d}001"
    return base + luhn.calc_check_digit(base)


def referred(person: int = 1, municipality: str = "mola-di-bari") -> ev.CandidateReferred:
    """A referral that arrived."""
    return ev.CandidateReferred(
        person_id=uid(person),
        referral_id=uid(1000 + person),
        municipality=municipality,
        profile=PROFILE,
        referred_on=TODAY,
    )


def host_registered(
    host: int = 1, municipality: str = "bari", headcount: int = 10, sector: str = "56.10.11"
) -> ev.HostRegistered:
    """A registered host site."""
    return ev.HostRegistered(
        host_id=uid(5000 + host),
        vat_number=vat(host),
        site_municipality=municipality,
        sector_code=sector,
        permanent_headcount=headcount,
        declarations=COMPLIANT,
        registered_on=TODAY,
    )
