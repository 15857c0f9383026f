"""From proposal to first day: acceptance, agreement (convenzione), training project, validation, notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cantiere_events import Event
from cantiere_events.codes import NoticeKind, PlacementParty, PlacementRejectionReason
from cantiere_events.values import AgreementId, Cents, ProgrammeCode, ReferenceNumber, TutorId, WeeklyHours
from cantiere_runtime.rules import RuleSet

from cantiere_placements.domain import events as ev
from cantiere_placements.domain.errors import STATUS_IT, RuleBroken, WrongState, day_it
from cantiere_placements.domain.placement_state import Placement
from cantiere_placements.domain.rules import check_training_project


@dataclass(frozen=True)
class OpenPlacement:
    """Record a proposed placement whose place at the host was reserved."""

    placement_id: str
    person_id: str
    referral_id: str
    municipality: str
    host_id: str
    hours_per_week: int


@dataclass(frozen=True)
class AcceptPlacement:
    """The person or the host accepts the proposal."""

    party: PlacementParty


@dataclass(frozen=True)
class RejectPlacement:
    """A party turns the proposal down."""

    party: PlacementParty
    reason: PlacementRejectionReason


@dataclass(frozen=True)
class SignAgreement:
    """Record the signed agreement between promoter and host (convenzione), signed today unless a day is given."""

    agreement_id: AgreementId
    signed_on: date | None = None


@dataclass(frozen=True)
class ApproveTrainingProject:
    """Approve the training project (progetto formativo), checked against the rule set in force at its start."""

    objectives: tuple[ProgrammeCode, ...]
    promoter_tutor_id: TutorId
    host_tutor_id: TutorId
    hours_per_week: WeeklyHours
    starts_on: date
    ends_on: date
    monthly_allowance_cents: Cents


@dataclass(frozen=True)
class ValidateTrainingProject:
    """The employment centre validates the training project."""


@dataclass(frozen=True)
class FileMandatoryNotice:
    """Record a filed mandatory notice (comunicazione obbligatoria) with its reference number."""

    kind: NoticeKind
    reference_number: ReferenceNumber


@dataclass(frozen=True)
class StartInternship:
    """The intern's first day."""

    started_on: date


Command = (
    OpenPlacement
    | AcceptPlacement
    | RejectPlacement
    | SignAgreement
    | ApproveTrainingProject
    | ValidateTrainingProject
    | FileMandatoryNotice
    | StartInternship
)
AGREEMENT_COMMANDS = (
    AcceptPlacement,
    RejectPlacement,
    SignAgreement,
    ApproveTrainingProject,
    ValidateTrainingProject,
    StartInternship,
    OpenPlacement,
)


def decide_agreement(
    command: Command, state: Placement, *, today: date, rules: RuleSet | None, host_tutors: tuple[str, ...] | None
) -> list[Event]:
    """The events of a command before the internship runs (state exists)."""
    match command:
        case AcceptPlacement(party=party):
            _status(state, "proposed", "accepted", "accettare la proposta")
            if party not in (PlacementParty.PERSON, PlacementParty.HOST):
                raise WrongState(
                    "Accettano la proposta solo la persona o l'azienda.",
                    "Only the person or the host accept a proposal.",
                )
            return [] if party in state.accepted_by else [ev.PlacementAccepted(party=party, accepted_on=today)]
        case RejectPlacement(party=party, reason=reason):
            if state.status not in ("proposed", "agreed") or state.agreement_id is not None:
                raise WrongState(
                    "Si può rifiutare solo una proposta la cui convenzione non è ancora firmata.",
                    "Only a proposal without a signed agreement can be turned down.",
                )
            return [ev.PlacementRejected(party=party, reason=reason, rejected_on=today)]
        case SignAgreement(agreement_id=agreement_id, signed_on=signed_on):
            _status(
                state,
                "agreed",
                "signed (both person and host must accept first)",
                "firmare la convenzione (prima devono accettare sia la persona sia l'azienda)",
            )
            if state.agreement_id is not None:
                raise WrongState("La convenzione è già firmata.", "The agreement is already signed.")
            if signed_on is not None and signed_on > today:
                raise WrongState(
                    "Non si può registrare la firma della convenzione in una data futura.",
                    "An agreement cannot be recorded as signed on a day that has not come yet.",
                )
            return [ev.AgreementSigned(agreement_id=agreement_id, signed_on=signed_on or today)]
        case ApproveTrainingProject():
            return [_approve(command, state, rules, host_tutors)]
        case ValidateTrainingProject():
            if state.project is None or state.status != "agreed":
                raise WrongState(
                    "Non c'è un progetto formativo approvato in attesa di convalida.",
                    "There is no approved training project waiting for validation.",
                )
            if state.validated_on is not None:
                raise WrongState(
                    "Il progetto formativo è già convalidato.", "The training project is already validated."
                )
            if state.returned is not None:
                raise WrongState(
                    "Il progetto formativo è stato restituito per correzioni: convalidalo quando verrà ripresentato.",
                    "The training project was returned for correction: validate it once resubmitted.",
                )
            return [ev.TrainingProjectValidated(validated_on=today)]
        case StartInternship(started_on=started_on):
            _status(state, "agreed", "started", "avviare il tirocinio")
            if state.project is None or state.validated_on is None:
                raise WrongState(
                    "Il tirocinio inizia dopo che il Centro per l'impiego ha convalidato il progetto formativo.",
                    "The internship starts after the employment centre validated the project.",
                )
            if NoticeKind.START not in state.notices:
                raise WrongState(
                    "Invia la comunicazione obbligatoria di avvio prima del primo giorno.",
                    "File the mandatory start notice before the first day.",
                )
            if started_on < state.project.starts_on or started_on > today:
                raise WrongState(
                    "Il primo giorno non può precedere l'inizio previsto dal progetto né essere nel futuro.",
                    "The first day is on or after the project's start, and not in the future.",
                )
            return [ev.InternshipStarted(started_on=started_on)]
        case OpenPlacement():
            raise WrongState(
                "Esiste già un inserimento con questo codice.", "A placement is already open with this id."
            )
    raise WrongState(
        "Questa operazione non si può fare prima dell'avvio del tirocinio.",
        "This command does not apply before the internship starts.",
    )


def _approve(
    command: ApproveTrainingProject, state: Placement, rules: RuleSet | None, host_tutors: tuple[str, ...] | None
) -> Event:
    _status(state, "agreed", "given a training project", "approvare il progetto formativo")
    if state.agreement_id is None or state.agreement_signed_on is None:
        raise WrongState(
            "Firma la convenzione prima di approvare il progetto formativo.",
            "Sign the agreement (convenzione) before approving the training project.",
        )
    if command.starts_on < state.agreement_signed_on:
        raise WrongState(
            f"Il progetto formativo non può iniziare prima della firma della convenzione"
            f" ({day_it(state.agreement_signed_on)}).",
            f"A training project cannot start before the agreement was signed ({state.agreement_signed_on}).",
        )
    if rules is None:
        raise TypeError("approving a training project needs the rule set in force at its start")
    if host_tutors is not None and command.host_tutor_id not in host_tutors:
        raise WrongState(
            "Il tutor aziendale deve essere uno dei tutor assegnati a questa azienda.",
            "The host's tutor must be one of the tutors assigned to this host.",
        )
    if not command.objectives:
        raise WrongState("Indica almeno un obiettivo formativo.", "Name at least one training objective.")
    violations = check_training_project(
        rules,
        command.hours_per_week,
        command.starts_on,
        command.ends_on,
        command.monthly_allowance_cents,
        is_inclusion=True,
    )
    if violations:
        raise RuleBroken(" ".join(v.message_it for v in violations), " ".join(v.message for v in violations))
    return ev.TrainingProjectApproved(
        objectives=command.objectives,
        promoter_tutor_id=command.promoter_tutor_id,
        host_tutor_id=command.host_tutor_id,
        hours_per_week=command.hours_per_week,
        starts_on=command.starts_on,
        ends_on=command.ends_on,
        monthly_allowance_cents=command.monthly_allowance_cents,
        rule_set_id=rules.id,
    )


def file_notice(command: FileMandatoryNotice, state: Placement, *, today: date) -> Event:
    """A mandatory notice, when the case has reached the point it reports."""
    _notice_allowed(state, command.kind)
    return ev.MandatoryNoticeFiled(kind=command.kind, reference_number=command.reference_number, filed_on=today)


def _notice_allowed(state: Placement, kind: NoticeKind) -> None:
    if kind is NoticeKind.START and (state.validated_on is None or NoticeKind.START in state.notices):
        raise WrongState(
            "La comunicazione obbligatoria di avvio si invia una sola volta, dopo la convalida del progetto formativo.",
            "The start notice is filed once, after the project is validated.",
        )
    if kind is NoticeKind.EXTENSION and not state.extended:
        raise WrongState(
            "La comunicazione di proroga richiede una proroga del tirocinio.", "An extension notice needs an extension."
        )
    if kind is NoticeKind.END and (not state.has_ended or NoticeKind.END in state.notices):
        raise WrongState(
            "La comunicazione obbligatoria di cessazione si invia una sola volta, dopo la fine del tirocinio.",
            "The end notice is filed once, after the internship ended.",
        )


def _status(state: Placement, status: str, doing: str, doing_it: str) -> None:
    if state.status != status:
        now = STATUS_IT.get(state.status, state.status)
        raise WrongState(
            f"Stato dell'inserimento: «{now}». Ora non si può {doing_it}.",
            f"The placement is {state.status}: it cannot be {doing} now.",
        )
