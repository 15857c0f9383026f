"""A host company site (soggetto ospitante): registration, tutors, suspension, and its places."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from cantiere_events import Event
from cantiere_events.codes import HostSuspensionReason
from cantiere_events.codes import PlacementRefusalCheck as Check
from cantiere_events.common import HostDeclarations, HourWindow
from cantiere_events.identifiers import InvalidVatNumber, canonical_vat_number
from cantiere_runtime.decider import Decider
from cantiere_runtime.rules import RuleSet

from cantiere_placements.domain import events as ev
from cantiere_placements.domain.errors import InvalidHost, NotFound, WrongState
from cantiere_placements.domain.matching import HostFacts, Occupant, PersonSafety, Refused, check_placement
from cantiere_placements.domain.values import Clearance


@dataclass(frozen=True)
class Host:
    """A registered host site and who holds a place there now."""

    host_id: str
    vat_number: str
    site_municipality: str
    sector_code: str
    permanent_headcount: int
    active: bool = True
    tutors: tuple[str, ...] = ()
    occupants: dict[str, Occupant] = field(default_factory=dict)  # by placement id

    @property
    def facts(self) -> HostFacts:
        """The host as matching sees it."""
        return HostFacts(self.host_id, self.vat_number, self.site_municipality, self.permanent_headcount, self.active)


@dataclass(frozen=True)
class RegisterHost:
    """Register a host site; every compliance declaration must be true."""

    host_id: str
    vat_number: str
    site_municipality: str
    sector_code: str
    permanent_headcount: int
    declarations: HostDeclarations
    company_name: str | None = None  # ragione sociale: kept by the consortium only, never on the bus
    site_address: str | None = None  # where interns go: never on the bus (it would say where a person works)


@dataclass(frozen=True)
class AssignHostTutor:
    """Assign a company tutor (by user id) to the host."""

    tutor_id: str


@dataclass(frozen=True)
class SuspendHost:
    """Stop placing people at the host."""

    reason: HostSuspensionReason


@dataclass(frozen=True)
class ReinstateHost:
    """Let the host receive interns again."""


@dataclass(frozen=True)
class ReservePlace:
    """Reserve a place for a proposed placement, if every safety check passes (else a refusal is recorded)."""

    placement_id: str
    person: PersonSafety
    hours_per_week: int
    clearance: Clearance
    # The occupants' current tokens (by placement id): constraints may have changed since they were placed.
    current_occupants: tuple[Occupant, ...] = ()
    schedule: tuple[HourWindow, ...] = ()  # the weekly slots the placement plans
    # The occupants' tokens the municipality was asked about: its YES covers only those people.
    cleared_tokens: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ReleasePlace:
    """Free the place of a placement that ended."""

    placement_id: str


Command = RegisterHost | AssignHostTutor | SuspendHost | ReinstateHost | ReservePlace | ReleasePlace


def _check_registration(command: RegisterHost) -> None:
    try:
        canonical_vat_number(command.vat_number)
    except InvalidVatNumber:
        raise InvalidHost(
            "La partita IVA non è valida: controlla le 11 cifre.",
            "The VAT number (partita IVA) is not valid: check its 11 digits.",
        ) from None
    if command.permanent_headcount < 0:
        raise InvalidHost(
            "Il numero di dipendenti a tempo indeterminato non può essere negativo.",
            "The permanent headcount cannot be negative.",
        )
    d = command.declarations
    if not (d.no_layoffs_last_12_months and d.safety_law_compliant and d.disability_quota_compliant):
        raise InvalidHost(
            "Per ospitare tirocinanti l'azienda deve dichiarare di non aver fatto licenziamenti negli ultimi 12 mesi, "
            "di rispettare le norme sulla sicurezza sul lavoro e la L. 68/1999.",
            "A host must declare no layoffs in the last 12 months, compliance with safety law "
            "and with L. 68/1999 before it can receive interns.",
        )


def decide(command: Command, state: Host | None, *, today: date, rules: RuleSet | None = None) -> list[Event]:
    """The events a command on a host produces, or a DomainError."""
    if isinstance(command, RegisterHost):
        if state is not None:
            raise WrongState("Questa azienda è già registrata.", "This host is already registered.")
        _check_registration(command)
        return [
            ev.HostRegistered(
                host_id=command.host_id,
                vat_number=canonical_vat_number(command.vat_number),
                site_municipality=command.site_municipality,
                sector_code=command.sector_code,
                permanent_headcount=command.permanent_headcount,
                declarations=command.declarations,
                registered_on=today,
                company_name=command.company_name,
                site_address=command.site_address,
            )
        ]
    if state is None:
        raise NotFound("Questa azienda non esiste.", "There is no such host.")
    match command:
        case AssignHostTutor(tutor_id=tutor_id):
            return [] if tutor_id in state.tutors else [ev.HostTutorAssigned(tutor_id=tutor_id)]
        case SuspendHost(reason=reason):
            if not state.active:
                raise WrongState("L'azienda è già sospesa.", "The host is already suspended.")
            return [ev.HostSuspended(reason=reason, suspended_on=today)]
        case ReinstateHost():
            if state.active:
                raise WrongState("L'azienda non è sospesa.", "The host is not suspended.")
            return [ev.HostReinstated(reinstated_on=today)]
        case ReservePlace():
            if rules is None:
                raise TypeError("reserving a place needs the rule set in force")
            return _reserve(command, state, rules)
        case ReleasePlace(placement_id=placement_id):
            return [ev.HostPlaceReleased(placement_id=placement_id)] if placement_id in state.occupants else []
    raise TypeError(f"unknown command {command!r}")


def _reserve(command: ReservePlace, state: Host, rules: RuleSet) -> list[Event]:
    person = command.person
    if any(o.person_id == person.person_id for o in state.occupants.values()):
        raise WrongState(
            "Questa persona ha già un posto presso questa azienda.", "This person already holds a place at this host."
        )
    occupants = occupants_now(state, command.current_occupants)
    verdict = check_placement(
        person, state.facts, occupants, command.hours_per_week, rules, command.clearance, command.schedule
    )
    if verdict is None and not cleared_for(occupants, command.cleared_tokens):
        verdict = Refused(Check.CLEARANCE_DENIED)  # fail closed: someone arrived after the municipality answered
    if verdict is not None:
        return [ev.HostPlaceRefused(person_id=person.person_id, check=verdict.check)]
    return [
        ev.HostPlaceReserved(
            placement_id=command.placement_id,
            person_id=person.person_id,
            own_token=person.own_token,
            keep_apart_tokens=person.keep_apart_tokens,
            own_aliases=tuple(sorted(person.aliases)),
        )
    ]


def tokens_of(occupants: Iterable[Occupant]) -> frozenset[str]:
    """The own tokens of the people at a host (the ones the municipality's clearance is asked about)."""
    return frozenset(o.own_token for o in occupants if o.own_token)


def cleared_for(occupants: Iterable[Occupant], cleared: frozenset[str]) -> bool:
    """Whether the municipality's answer covered everyone at the host now (their tokens within those it saw)."""
    return tokens_of(occupants) <= cleared


def occupants_now(state: Host, current: tuple[Occupant, ...]) -> list[Occupant]:
    """Who holds a place at the host, with the freshest tokens known for each (never fewer people)."""
    fresh = {o.placement_id: o for o in current}
    return [fresh.get(pid, held) for pid, held in state.occupants.items()]


def evolve(state: Host | None, event: Event) -> Host | None:
    """The host after one event."""
    if isinstance(event, ev.HostRegistered):
        return Host(
            event.host_id, event.vat_number, event.site_municipality, event.sector_code, event.permanent_headcount
        )
    if state is None:
        return None
    match event:
        case ev.HostTutorAssigned():
            return replace(state, tutors=(*state.tutors, event.tutor_id))
        case ev.HostSuspended():
            return replace(state, active=False)
        case ev.HostReinstated():
            return replace(state, active=True)
        case ev.HostPlaceReserved():
            occupant = Occupant(
                event.placement_id,
                event.person_id,
                event.own_token,
                event.keep_apart_tokens,
                frozenset(event.own_aliases),
            )
            return replace(state, occupants={**state.occupants, event.placement_id: occupant})
        case ev.HostPlaceReleased():
            return replace(state, occupants={k: v for k, v in state.occupants.items() if k != event.placement_id})
    return state


host_decider: Decider[Command, Host | None, Event] = Decider(decide=decide, evolve=evolve, initial_state=None)
