"""Private domain events of a person's file: stored in the municipality's own log, never on the bus."""

from __future__ import annotations

from datetime import date

from cantiere_events import Event, EventRegistry
from cantiere_events.codes import (
    ClosureReason,
    ConsentScope,
    EligibilityCategory,
    ErasureBasis,
    LegalBasis,
    ReferralWithdrawalReason,
    ReferringService,
)
from cantiere_events.common import CandidateProfile, HourWindow
from cantiere_events.values import (
    DistrictCode,
    FormVersion,
    KeepApartToken,
    KeyId,
    MunicipalityCode,
    PersonId,
    ReferralId,
    VatNumber,
    WeeklyHours,
)
from pydantic import Field

REGISTRY = EventRegistry("referrals")


@REGISTRY.register
class PersonRegistered(Event):
    """A social worker registered a person; identity went to the vault, only the profile is here."""

    event_type = "PersonRegistered"
    person_id: PersonId
    municipality: MunicipalityCode
    district: DistrictCode | None = None
    social_worker_id: str = Field(max_length=64)
    profile: CandidateProfile
    own_token: KeepApartToken | None = None  # HMAC of the person's own canonical tax code
    key_id: KeyId | None = None
    own_aliases: tuple[KeepApartToken, ...] = ()  # HMACs of the code's other spellings (identifiers.token_aliases)
    registered_on: date


@REGISTRY.register
class OwnTokenReissued(Event):
    """The person's own token was made again from the tax code in the vault (canonical form, with aliases)."""

    event_type = "OwnTokenReissued"
    own_token: KeepApartToken
    key_id: KeyId
    own_aliases: tuple[KeepApartToken, ...] = ()
    reissued_on: date


@REGISTRY.register
class ConsentGiven(Event):
    """The person consented to one scope (or another legal basis was recorded for it)."""

    event_type = "ConsentGiven"
    scope: ConsentScope
    legal_basis: LegalBasis
    form_version: FormVersion
    given_on: date


@REGISTRY.register
class ConsentRevoked(Event):
    """The person withdrew the consent for one scope; what depends on it stops from now on."""

    event_type = "ConsentRevoked"
    scope: ConsentScope
    withdrawn_on: date


@REGISTRY.register
class EligibilityConfirmed(Event):
    """The social worker confirmed the person may enter the programme."""

    event_type = "EligibilityConfirmed"
    taken_into_care_on: date
    category: EligibilityCategory
    referring_service: ReferringService
    confirmed_on: date


@REGISTRY.register
class SafetyConstraintsSet(Event):
    """The complete current safety constraints of the person, replacing earlier ones."""

    event_type = "SafetyConstraintsSet"
    excluded_municipalities: tuple[MunicipalityCode, ...] = ()
    excluded_hosts: tuple[VatNumber, ...] = ()
    keep_apart_tokens: tuple[KeepApartToken, ...] = ()
    key_id: KeyId | None = None
    hour_windows: tuple[HourWindow, ...] = ()
    max_hours_per_week: WeeklyHours | None = None
    recorded_on: date


@REGISTRY.register
class ReferralOpened(Event):
    """The municipality referred the person to the programme (profile as of that day)."""

    event_type = "ReferralOpened"
    referral_id: ReferralId
    profile: CandidateProfile
    submitted_on: date


@REGISTRY.register
class ReferralCancelled(Event):
    """The municipality withdrew the open referral."""

    event_type = "ReferralCancelled"
    referral_id: ReferralId
    reason: ReferralWithdrawalReason
    withdrawn_on: date


@REGISTRY.register
class ReferralEnded(Event):
    """The municipality closed the open referral: the person's path is over."""

    event_type = "ReferralEnded"
    referral_id: ReferralId
    reason: ClosureReason
    closed_on: date


@REGISTRY.register
class PersonErased(Event):
    """The person's personal data were erased (GDPR art. 17); only pseudonymous facts remain."""

    event_type = "PersonErased"
    basis: ErasureBasis
    erased_on: date


PersonEvent = (
    PersonRegistered
    | OwnTokenReissued
    | ConsentGiven
    | ConsentRevoked
    | EligibilityConfirmed
    | SafetyConstraintsSet
    | ReferralOpened
    | ReferralCancelled
    | ReferralEnded
    | PersonErased
)
