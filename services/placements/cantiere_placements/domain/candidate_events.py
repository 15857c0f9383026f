"""Private events of a candidate at the consortium (phase 2)."""

from __future__ import annotations

from datetime import date

from cantiere_events import Event
from cantiere_events.codes import (
    ConsentScope,
    DeclineReason,
)
from cantiere_events.common import CandidateProfile, HourWindow

from cantiere_placements.domain.registry import REGISTRY


# --- candidates (phase 2) ---------------------------------------------------------------------------------
@REGISTRY.register
class CandidateReferred(Event):
    """A municipality's referral arrived: the candidate exists here with a pseudonymous profile."""

    event_type = "CandidateReferred"
    person_id: str
    referral_id: str
    municipality: str
    district: str | None = None
    profile: CandidateProfile
    referred_on: date


@REGISTRY.register
class CandidateSafetyStored(Event):
    """The referring municipality's current safety constraints for the candidate (replace earlier ones)."""

    event_type = "CandidateSafetyStored"
    excluded_municipalities: tuple[str, ...] = ()
    excluded_hosts: tuple[str, ...] = ()  # VAT numbers
    keep_apart_tokens: tuple[str, ...] = ()
    max_hours_per_week: int | None = None
    hour_windows: tuple[HourWindow, ...] = ()  # empty: any hours


@REGISTRY.register
class CandidateTokenStored(Event):
    """The candidate's own keep-apart token, so others' constraints can be checked against it."""

    event_type = "CandidateTokenStored"
    token: str  # HMAC of the canonical tax code
    aliases: tuple[str, ...] = ()  # HMACs of its other spellings: the person is whoever holds any of them


@REGISTRY.register
class CandidateAccepted(Event):
    """The consortium accepted the referral."""

    event_type = "CandidateAccepted"
    accepted_on: date


@REGISTRY.register
class CandidateDeclined(Event):
    """The consortium declined the referral, with a reason code."""

    event_type = "CandidateDeclined"
    reason: DeclineReason
    declined_on: date


@REGISTRY.register
class IntakeInterviewHeld(Event):
    """The intake interview (colloquio di accoglienza) took place."""

    event_type = "IntakeInterviewHeld"
    held_on: date


@REGISTRY.register
class SkillsAssessed(Event):
    """The candidate's competences were assessed (programme codes, ESCO concepts where known)."""

    event_type = "SkillsAssessed"
    competences: tuple[str, ...]
    esco_skills: tuple[str, ...] = ()
    assessed_on: date


@REGISTRY.register
class CandidateConsentRecorded(Event):
    """The person gave consent for a scope at the referring municipality (or another legal basis covers it)."""

    event_type = "CandidateConsentRecorded"
    scope: ConsentScope


@REGISTRY.register
class CandidateConsentWithdrawn(Event):
    """The person withdrew a consent scope at the referring municipality."""

    event_type = "CandidateConsentWithdrawn"
    scope: ConsentScope


@REGISTRY.register
class CandidateErased(Event):
    """The referring municipality erased the person's personal data; the vault entry here goes too."""

    event_type = "CandidateErased"
    erased_on: date


@REGISTRY.register
class CandidateFirstNameKept(Event):
    """A first name for the host's pages was put in the placements vault (the name itself never is in an event)."""

    event_type = "CandidateFirstNameKept"
    kept_on: date
