"""Fakes for the placements integration tests: a referrals gateway answering from a table, invented people."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from cantiere_events import Actor
from cantiere_events.codes import AgeBand, EducationLevel, EligibilityCategory, Gender, ReferringService
from cantiere_events.common import CandidateProfile, HostDeclarations
from cantiere_events.referrals import ReferralSubmitted
from cantiere_placements.domain.values import Clearance
from cantiere_placements.service_layer.unit import Who
from cantiere_runtime.unit_of_work import CommandHandler
from stdnum import luhn

# The command handlers tests build over their engine, closed after each test (conftest): on SQLite each keeps a
# writer connection, as the service runtime's own does until it stops.
HANDLERS: list[CommandHandler] = []
OPERATOR = Actor(user_id="op-1", role="placement_operator")
COMPLIANT = HostDeclarations(
    no_layoffs_last_12_months=True,
    safety_law_compliant=True,
    disability_quota_compliant=True,
    collective_agreement_applied=True,
)


def uid(n: int) -> str:
    """A stable invented UUID."""
    return str(uuid.UUID(int=n))


def vat(n: int) -> str:
    """A valid invented partita IVA."""
    base = f"{n:07d}001"
    return base + luhn.calc_check_digit(base)


def token(name: str) -> str:
    """An invented keep-apart token."""
    return hashlib.sha256(name.encode()).hexdigest()


def on(day: date) -> Who:
    """The operator acting at noon UTC on a day."""
    return Who(OPERATOR, datetime(day.year, day.month, day.day, 12, tzinfo=UTC))


def referral(person: int, municipality: str = "mola-di-bari") -> ReferralSubmitted:
    """An invented referral as a municipality publishes it."""
    return ReferralSubmitted(
        person_id=uid(person),
        referral_id=uid(1000 + person),
        municipality=municipality,
        eligibility_category=EligibilityCategory.DOMESTIC_VIOLENCE,
        referring_service=ReferringService.ANTI_VIOLENCE_CENTRE,
        profile=CandidateProfile(
            age_band=AgeBand.FROM_25_TO_34,
            gender=Gender.FEMALE,
            education_level=EducationLevel.LOWER_SECONDARY,
            preferred_sectors=("56",),
        ),
        submitted_on=date(2008, 3, 1),
    )


@dataclass
class FakeReferrals:
    """A referrals gateway that says yes unless told otherwise, and records what it was asked."""

    answer: Clearance = Clearance.YES
    contact: dict[str, Any] | None = field(default_factory=lambda: {"phone": "+39 000 0000000"})
    asked: list[tuple[str, str]] = field(default_factory=list)

    async def clearance(
        self, municipality: str, person_id: str, host_vat: str, site_municipality: str, tokens_at_host: Sequence[str]
    ) -> Clearance:
        self.asked.append((municipality, person_id))
        return self.answer

    async def contact_details(
        self, municipality: str, person_id: str, requested_by: dict[str, str]
    ) -> dict[str, Any] | None:
        self.asked.append((municipality, person_id))
        return self.contact
