"""The person aggregate: decide what a command produces, evolve the file from its events (pure, `now` passed in)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from cantiere_events.codes import ConsentScope, EligibilityCategory, LegalBasis, ReferringService
from cantiere_events.common import CandidateProfile
from cantiere_runtime.decider import Decider

from cantiere_referrals.domain import commands as c
from cantiere_referrals.domain import events as e
from cantiere_referrals.domain.errors import (
    ConsentMissing,
    ConsentNotGiven,
    EligibilityMissing,
    NoOpenReferral,
    PersonAlreadyRegistered,
    PersonIsErased,
    PersonNotFound,
    ReferralAlreadyOpen,
)
from cantiere_referrals.domain.identity import age_band, valid_vat_number

OPEN, WITHDRAWN, CLOSED = "open", "withdrawn", "closed"


@dataclass(frozen=True)
class Consent:
    """A consent in force for one scope."""

    legal_basis: LegalBasis
    form_version: str
    given_on: date


@dataclass(frozen=True)
class Eligibility:
    """Why and since when the person may enter the programme."""

    category: EligibilityCategory
    referring_service: ReferringService


@dataclass(frozen=True)
class Person:
    """What the municipality knows about a person, without identity (that lives in the vault)."""

    person_id: str
    municipality: str
    district: str | None
    social_worker_id: str
    profile: CandidateProfile
    own_token: str | None = None
    key_id: str | None = None
    own_aliases: tuple[str, ...] = ()
    consents: dict[ConsentScope, Consent] = field(default_factory=dict)
    eligibility: Eligibility | None = None
    constraints: e.SafetyConstraintsSet | None = None
    referral_id: str | None = None  # the latest referral, open or not
    referral_status: str | None = None
    registered_on: date | None = None
    referral_ended_on: date | None = None  # when the latest referral was closed or withdrawn; None while open
    erased: bool = False

    def consented(self, scope: ConsentScope) -> bool:
        """Whether a consent for this scope is in force."""
        return scope in self.consents

    @property
    def referral_open(self) -> bool:
        return self.referral_status == OPEN


def decide(command: c.Command, state: Person | None, *, now: datetime) -> list[e.PersonEvent]:
    """The events a command produces for a person, or a refusal."""
    today = now.date()
    if isinstance(command, c.RegisterPerson):
        if state is not None:
            raise PersonAlreadyRegistered()
        return [_registered(command, now)]
    if state is None:
        raise PersonNotFound()
    if state.erased:
        raise PersonIsErased()
    match command:
        case c.ReissueOwnToken():
            if (state.own_token, state.key_id, state.own_aliases) == (
                command.own_token,
                command.key_id,
                command.own_aliases,
            ):
                return []  # already current: reissuing twice publishes nothing twice
            return [
                e.OwnTokenReissued(
                    own_token=command.own_token,
                    key_id=command.key_id,
                    own_aliases=command.own_aliases,
                    reissued_on=today,
                )
            ]
        case c.RecordConsent():
            return [
                e.ConsentGiven(
                    scope=command.scope,
                    legal_basis=command.legal_basis,
                    form_version=command.form_version,
                    given_on=command.given_on or today,
                )
            ]
        case c.WithdrawConsent(scope=scope):
            if not state.consented(scope):
                raise ConsentNotGiven(scope.value)
            return [e.ConsentRevoked(scope=scope, withdrawn_on=today)]
        case c.ConfirmEligibility():
            return [
                e.EligibilityConfirmed(
                    taken_into_care_on=command.taken_into_care_on,
                    category=command.category,
                    referring_service=command.referring_service,
                    confirmed_on=today,
                )
            ]
        case c.RecordSafetyConstraints():
            hosts = tuple(dict.fromkeys(valid_vat_number(v) for v in command.excluded_hosts))
            return [
                e.SafetyConstraintsSet(
                    excluded_municipalities=tuple(dict.fromkeys(command.excluded_municipalities)),
                    excluded_hosts=hosts,
                    keep_apart_tokens=tuple(dict.fromkeys(command.keep_apart_tokens)),
                    key_id=command.key_id if command.keep_apart_tokens else None,
                    hour_windows=command.hour_windows,
                    max_hours_per_week=command.max_hours_per_week,
                    recorded_on=today,
                )
            ]
        case c.SubmitReferral():
            return [_submitted(command, state, now)]
        case c.WithdrawReferral(reason=reason):
            if not state.referral_open or state.referral_id is None:
                raise NoOpenReferral()
            return [e.ReferralCancelled(referral_id=state.referral_id, reason=reason, withdrawn_on=today)]
        case c.CloseReferral(reason=reason):
            if not state.referral_open or state.referral_id is None:
                raise NoOpenReferral()
            return [e.ReferralEnded(referral_id=state.referral_id, reason=reason, closed_on=today)]
        case c.ErasePersonalData(basis=basis):
            return [e.PersonErased(basis=basis, erased_on=today)]
    raise TypeError(f"unknown command {type(command).__name__}")


def _registered(command: c.RegisterPerson, now: datetime) -> e.PersonRegistered:
    profile = CandidateProfile(
        age_band=age_band(command.birth_date, now.date()),
        gender=command.gender,
        education_level=command.education_level,
        languages=command.languages,
        availability=command.availability,
        preferred_sectors=command.preferred_sectors,
        care_needs=command.care_needs,
    )
    return e.PersonRegistered(
        person_id=command.person_id,
        municipality=command.municipality,
        district=command.district,
        social_worker_id=command.social_worker_id,
        profile=profile,
        own_token=command.own_token,
        key_id=command.key_id,
        own_aliases=command.own_aliases,
        registered_on=now.date(),
    )


def _submitted(command: c.SubmitReferral, state: Person, now: datetime) -> e.ReferralOpened:
    if state.referral_open:
        raise ReferralAlreadyOpen()
    if state.eligibility is None:
        raise EligibilityMissing()
    if not state.consented(ConsentScope.SHARE_WITH_CONSORTIUM):
        raise ConsentMissing(ConsentScope.SHARE_WITH_CONSORTIUM.value)
    profile = state.profile
    if command.birth_date is not None:
        profile = profile.model_copy(update={"age_band": age_band(command.birth_date, now.date())})
    return e.ReferralOpened(referral_id=command.referral_id, profile=profile, submitted_on=now.date())


def evolve(state: Person | None, event: e.PersonEvent) -> Person | None:
    """The person's file after one event."""
    if isinstance(event, e.PersonRegistered):
        return Person(
            person_id=event.person_id,
            municipality=event.municipality,
            district=event.district,
            social_worker_id=event.social_worker_id,
            profile=event.profile,
            own_token=event.own_token,
            key_id=event.key_id,
            own_aliases=event.own_aliases,
            registered_on=event.registered_on,
        )
    if state is None:
        return None
    match event:
        case e.OwnTokenReissued():
            return replace(state, own_token=event.own_token, key_id=event.key_id, own_aliases=event.own_aliases)
        case e.ConsentGiven():
            return replace(
                state,
                consents={
                    **state.consents,
                    event.scope: Consent(event.legal_basis, event.form_version, event.given_on),
                },
            )
        case e.ConsentRevoked():
            return replace(state, consents={k: v for k, v in state.consents.items() if k != event.scope})
        case e.EligibilityConfirmed():
            return replace(state, eligibility=Eligibility(event.category, event.referring_service))
        case e.SafetyConstraintsSet():
            return replace(state, constraints=event)
        case e.ReferralOpened():
            return replace(
                state,
                referral_id=event.referral_id,
                referral_status=OPEN,
                referral_ended_on=None,
                profile=event.profile,
            )
        case e.ReferralCancelled():
            return replace(state, referral_status=WITHDRAWN, referral_ended_on=event.withdrawn_on)
        case e.ReferralEnded():
            return replace(state, referral_status=CLOSED, referral_ended_on=event.closed_on)
        case e.PersonErased():
            return replace(state, erased=True, own_token=None, own_aliases=())
    return state


person: Decider[c.Command, Person | None, e.PersonEvent] = Decider(decide=decide, evolve=evolve, initial_state=None)
