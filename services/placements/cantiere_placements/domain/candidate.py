"""A candidate (a referred person) at the consortium: referral, intake, skills, safety constraints."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from cantiere_events import Event
from cantiere_events.codes import ConsentScope, DeclineReason
from cantiere_events.common import CandidateProfile, HourWindow
from cantiere_runtime.decider import Decider

from cantiere_placements.domain import events as ev
from cantiere_placements.domain.errors import STAGE_IT, NotFound, WrongState


@dataclass(frozen=True)
class Candidate:
    """What the consortium knows of a referred person: pseudonymous ids, profile, constraints, stage."""

    person_id: str
    referral_id: str
    municipality: str
    profile: CandidateProfile
    referred_on: date
    district: str | None = None
    stage: str = "referred"  # referred | accepted | declined
    interviewed_on: date | None = None
    competences: tuple[str, ...] = ()
    esco_skills: tuple[str, ...] = ()
    own_token: str | None = None
    own_aliases: tuple[str, ...] = ()  # the tokens of the other spellings of the same tax code
    keep_apart_tokens: tuple[str, ...] = ()
    excluded_municipalities: tuple[str, ...] = ()
    excluded_hosts: tuple[str, ...] = ()
    max_hours_per_week: int | None = None
    hour_windows: tuple[HourWindow, ...] = ()
    consent_withdrawn: bool = False
    consents: frozenset[ConsentScope] = frozenset()  # the scopes in force (none until the municipality says)
    erased: bool = False

    @property
    def placeable(self) -> bool:
        """Whether a placement may be proposed for this candidate now."""
        return self.stage == "accepted" and not self.consent_withdrawn and not self.erased

    def consented(self, scope: ConsentScope) -> bool:
        """Whether the person's consent for a scope is in force now (never after erasure)."""
        return scope in self.consents and not self.erased


# --- commands ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AcceptReferral:
    """Accept the referral into the programme."""


@dataclass(frozen=True)
class DeclineReferral:
    """Decline the referral, with a reason code."""

    reason: DeclineReason


@dataclass(frozen=True)
class HoldIntakeInterview:
    """Record the intake interview (colloquio di accoglienza)."""

    held_on: date


@dataclass(frozen=True)
class AssessSkills:
    """Record the competences assessed, with ESCO codes where known."""

    competences: tuple[str, ...]
    esco_skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeepFirstName:
    """Keep the first name the host's pages show (the name goes to the vault; the event only says when)."""


Command = AcceptReferral | DeclineReferral | HoldIntakeInterview | AssessSkills | KeepFirstName


def decide(command: Command, state: Candidate | None, *, today: date) -> list[Event]:
    """The events a command on a candidate produces, or a DomainError."""
    if state is None:
        raise NotFound(
            "Per questa persona non è arrivata nessuna segnalazione.", "No referral has arrived for this person."
        )
    if state.erased:
        raise WrongState(
            "I dati di questa persona sono stati cancellati dal comune che l'ha segnalata.",
            "This person's data were erased by the referring municipality.",
        )
    match command:
        case AcceptReferral():
            _must_be(state, "referred", "accepted", "accogliere")
            if state.consent_withdrawn:
                raise WrongState(
                    "La persona ha revocato il consenso a condividere i suoi dati con il consorzio.",
                    "The person withdrew consent to share data with the consortium.",
                )
            return [ev.CandidateAccepted(accepted_on=today)]
        case DeclineReferral(reason=reason):
            _must_be(state, "referred", "declined", "non accogliere")
            return [ev.CandidateDeclined(reason=reason, declined_on=today)]
        case HoldIntakeInterview(held_on=held_on):
            _must_be(state, "accepted", "interviewed", "registrare il colloquio di accoglienza")
            if held_on > today:
                raise WrongState(
                    "Non si può registrare un colloquio prima che si sia svolto.",
                    "An interview cannot be recorded before it happens.",
                )
            return [ev.IntakeInterviewHeld(held_on=held_on)]
        case AssessSkills(competences=competences, esco_skills=esco):
            _must_be(state, "accepted", "assessed", "registrare la valutazione delle competenze")
            if state.interviewed_on is None:
                raise WrongState(
                    "Le competenze si valutano dopo il colloquio di accoglienza.",
                    "Skills are assessed after the intake interview.",
                )
            if not competences:
                raise WrongState("Indica almeno una competenza.", "Name at least one competence.")
            return [ev.SkillsAssessed(competences=competences, esco_skills=esco, assessed_on=today)]
        case KeepFirstName():
            if state.consent_withdrawn:
                raise WrongState(
                    "La persona ha revocato il consenso a condividere i suoi dati con il consorzio.",
                    "The person withdrew consent to share data with the consortium.",
                )
            return [ev.CandidateFirstNameKept(kept_on=today)]
    raise TypeError(f"unknown command {command!r}")


def _must_be(state: Candidate, stage: str, doing: str, doing_it: str) -> None:
    if state.stage != stage:
        now = STAGE_IT.get(state.stage, state.stage)
        raise WrongState(
            f"Stato della segnalazione: «{now}». Ora non si può {doing_it}.",
            f"The referral is {state.stage}: it cannot be {doing} now.",
        )


def evolve(state: Candidate | None, event: Event) -> Candidate | None:
    """The candidate after one event."""
    if isinstance(event, ev.CandidateReferred):
        return Candidate(
            event.person_id, event.referral_id, event.municipality, event.profile, event.referred_on, event.district
        )
    if state is None:
        return None
    match event:
        case ev.CandidateSafetyStored():
            return replace(
                state,
                keep_apart_tokens=event.keep_apart_tokens,
                excluded_municipalities=event.excluded_municipalities,
                excluded_hosts=event.excluded_hosts,
                max_hours_per_week=event.max_hours_per_week,
                hour_windows=event.hour_windows,
            )
        case ev.CandidateTokenStored():
            return replace(state, own_token=event.token, own_aliases=event.aliases)
        case ev.CandidateAccepted():
            return replace(state, stage="accepted")
        case ev.CandidateDeclined():
            return replace(state, stage="declined")
        case ev.IntakeInterviewHeld():
            return replace(state, interviewed_on=event.held_on)
        case ev.SkillsAssessed():
            return replace(state, competences=event.competences, esco_skills=event.esco_skills)
        case ev.CandidateConsentRecorded():
            return replace(state, consents=state.consents | {event.scope})
        case ev.CandidateConsentWithdrawn():
            withdrawn = event.scope is ConsentScope.SHARE_WITH_CONSORTIUM or state.consent_withdrawn
            return replace(state, consent_withdrawn=withdrawn, consents=state.consents - {event.scope})
        case ev.CandidateErased():
            return replace(state, erased=True)
    return state


candidate_decider: Decider[Command, Candidate | None, Event] = Decider(decide=decide, evolve=evolve, initial_state=None)
