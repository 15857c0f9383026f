"""Events the referrals service of a municipality publishes (phase 1 of the process).

Partner on the bus: the municipality itself. Personal data stay in its vault:
these events carry pseudonymous ids, bands, codes and dates only.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field, model_validator

from cantiere_events.base import Audience, Event, Producer
from cantiere_events.codes import (
    ClosureReason,
    ConsentScope,
    EligibilityCategory,
    ErasureBasis,
    LegalBasis,
    ReferralWithdrawalReason,
    ReferringService,
)
from cantiere_events.common import CandidateProfile, HourWindow, PersonEvent
from cantiere_events.values import (
    DistrictCode,
    FormVersion,
    KeepApartToken,
    KeyId,
    MunicipalityCode,
    VatNumber,
    WeeklyHours,
)


class ReferralsEvent(PersonEvent):
    """An event about a person that a municipality's referrals service publishes."""

    producer: ClassVar[Producer | None] = Producer.REFERRALS


class ConsentRecorded(ReferralsEvent):
    """A person gave consent for one scope, or another legal basis was recorded for it (referrals)."""

    event_type = "ConsentRecorded"
    scope: ConsentScope
    legal_basis: LegalBasis
    form_version: FormVersion
    given_on: date


class ConsentWithdrawn(ReferralsEvent):
    """A person withdrew the consent given for one scope (referrals)."""

    event_type = "ConsentWithdrawn"
    scope: ConsentScope
    legal_basis: LegalBasis
    form_version: FormVersion
    withdrawn_on: date


class KeepApartTokenRegistered(ReferralsEvent):
    """The person's own keep-apart token was computed, so others' constraints can be checked against it (referrals)."""

    audience: ClassVar[Audience] = Audience.RESTRICTED
    event_type = "KeepApartTokenRegistered"
    token: KeepApartToken  # HMAC of the canonical tax code (cantiere_events.identifiers.keep_apart_token)
    key_id: KeyId
    # HMACs of every other spelling of the same code (omocodic variants): links typed in any spelling before
    # tokens were canonical still find the person. A newer registration replaces token and aliases together.
    aliases: tuple[KeepApartToken, ...] = Field(default=(), max_length=127)


class SafetyConstraintsRecorded(ReferralsEvent):
    """The complete current safety constraints of a person, replacing earlier ones (referrals, restricted)."""

    audience: ClassVar[Audience] = Audience.RESTRICTED
    event_type = "SafetyConstraintsRecorded"
    excluded_municipalities: tuple[MunicipalityCode, ...] = Field(default=(), max_length=100)
    excluded_hosts: tuple[VatNumber, ...] = Field(default=(), max_length=100)
    # Canonical tokens of the people to keep apart from, and while typed tokens are being retired also the
    # tokens of the codes as written: two per link at most.
    keep_apart_tokens: tuple[KeepApartToken, ...] = Field(default=(), max_length=100)
    key_id: KeyId | None = None  # the key of keep_apart_tokens
    hour_windows: tuple[HourWindow, ...] = Field(default=(), max_length=21)  # empty: any hours
    max_hours_per_week: WeeklyHours | None = None
    recorded_on: date

    @model_validator(mode="after")
    def _tokens_name_their_key(self) -> SafetyConstraintsRecorded:
        if self.keep_apart_tokens and self.key_id is None:
            raise ValueError("keep-apart tokens need the key_id of the programme key that made them")
        return self


class ReferralSubmitted(ReferralsEvent):
    """A municipality referred a person to the programme with a pseudonymous profile (referrals)."""

    event_type = "ReferralSubmitted"
    municipality: MunicipalityCode
    district: DistrictCode | None = None
    eligibility_category: EligibilityCategory
    referring_service: ReferringService
    profile: CandidateProfile
    submitted_on: date


class ReferralWithdrawn(ReferralsEvent):
    """The municipality withdrew a referral before the path ended (referrals)."""

    event_type = "ReferralWithdrawn"
    reason: ReferralWithdrawalReason
    withdrawn_on: date


class ReferralClosed(ReferralsEvent):
    """The municipality closed a referral: the person's path in the programme is over (referrals)."""

    event_type = "ReferralClosed"
    reason: ClosureReason
    closed_on: date


class PersonalDataErased(ReferralsEvent):
    """A person's personal data were erased from the vault; every partner erases its copies (referrals)."""

    event_type = "PersonalDataErased"
    basis: ErasureBasis
    erased_on: date


EVENTS: tuple[type[Event], ...] = (
    ConsentRecorded,
    ConsentWithdrawn,
    KeepApartTokenRegistered,
    SafetyConstraintsRecorded,
    ReferralSubmitted,
    ReferralWithdrawn,
    ReferralClosed,
    PersonalDataErased,
)
"""The referrals service's contract events, in process order."""
