"""Deciding on the running internship, its end and the follow-ups: attendance, allowance, suspension, completion."""

from __future__ import annotations

from datetime import date, timedelta

from cantiere_events import Event
from cantiere_events.codes import (
    ClosureReason,
    Outcome,
    SuspensionReason,
)
from cantiere_runtime.rules import RuleSet

from cantiere_placements.domain import events as ev
from cantiere_placements.domain.errors import STATUS_IT, NotYourIntern, RuleBroken, WrongState, day_it, month_it
from cantiere_placements.domain.placement_state import Placement
from cantiere_placements.domain.rules import (
    add_months,
    allowance_for_month,
    duration_in_months,
    end_date_after_suspension,
    max_end_date,
)
from cantiere_placements.domain.running_commands import (
    CalculateAllowance,
    CloseAttendanceMonth,
    CloseCase,
    Command,
    CompleteInternship,
    ExtendInternship,
    FlagSafetyIncident,
    InterruptInternship,
    IssueCompetenceAttestation,
    LogTutorVisit,
    PayAllowance,
    RecordFollowUp,
    ResumeInternship,
    SuspendInternship,
)

# The rules table names qualifying suspensions with its own slugs.
RULE_REASON = {SuspensionReason.ILLNESS: "long-illness"}


def decide_running(
    command: Command, s: Placement, *, today: date, rules: RuleSet | None, follow_up_months: tuple[int, ...]
) -> list[Event]:
    """The events of a command on a started (or ended) internship."""
    match command:
        case CloseAttendanceMonth(month=month, planned_hours=planned, attended_hours=attended, acting=acting):
            _running(s)
            if acting.is_company_tutor and acting.host_id != s.host_id:
                raise NotYourIntern(
                    "Il tutor aziendale chiude il registro presenze solo dei tirocinanti della propria azienda.",
                    "A company tutor closes attendance only for the host's own interns.",
                )
            if month in s.attendance:
                raise WrongState(
                    f"Il registro presenze di {month_it(month)} è già chiuso.",
                    f"The attendance of {month} is already closed.",
                )
            first = date.fromisoformat(f"{month}-01")
            assert s.started_on is not None and s.ends_on is not None
            if first > today or add_months(first, 1) <= s.started_on or first > s.ends_on:
                raise WrongState(
                    f"{month_it(month).capitalize()} non è un mese già iniziato di questo tirocinio.",
                    f"{month} is not a month of this internship that has begun.",
                )
            if planned < 0 or attended < 0:
                raise WrongState("Le ore non possono essere negative.", "Hours cannot be negative.")
            return [ev.AttendanceMonthClosed(month=month, planned_hours=planned, attended_hours=attended)]
        case CalculateAllowance(month=month):
            rule_set = _rules(s, rules)
            if month not in s.attendance or month in s.allowances:
                raise WrongState(
                    f"{month_it(month).capitalize()}: chiudi prima il registro presenze;"
                    " l'indennità si calcola una sola volta.",
                    f"{month}: close its attendance first; an allowance is calculated once.",
                )
            assert s.project is not None and s.started_on is not None and s.ends_on is not None
            planned, attended = s.attendance[month]
            months = duration_in_months(s.started_on, s.ends_on)
            cents = allowance_for_month(
                rule_set, s.project.monthly_allowance_cents, planned, attended, duration_months=months
            )
            return [ev.AllowanceCalculated(month=month, amount_cents=cents, rule_set_id=rule_set.id)]
        case PayAllowance(month=month):
            if month not in s.allowances or month in s.paid:
                raise WrongState(
                    f"{month_it(month).capitalize()}: l'indennità va prima calcolata, e si paga una sola volta.",
                    f"{month}: the allowance must be calculated, and is paid once.",
                )
            return [ev.AllowancePaid(month=month, amount_cents=s.allowances[month], paid_on=today)]
        case LogTutorVisit(tutor_id=tutor_id, tutor_role=role, visited_on=day):
            _running(s)
            return [ev.TutorVisitLogged(tutor_id=tutor_id, tutor_role=role, visited_on=day)]
        case SuspendInternship(reason=reason, suspended_on=day):
            if s.status != "running":
                raise WrongState(
                    "Si può sospendere solo un tirocinio in corso.", "Only a running internship can be suspended."
                )
            return [ev.InternshipSuspended(reason=reason, suspended_on=day)]
        case ResumeInternship(resumed_on=day):
            if s.status != "suspended" or s.suspended_on is None or s.ends_on is None:
                raise WrongState("Il tirocinio non è sospeso.", "The internship is not suspended.")
            if day <= s.suspended_on:
                raise WrongState(
                    "Un tirocinio riprende dopo il giorno in cui è stato sospeso.",
                    "An internship resumes after the day it was suspended.",
                )
            days = (day - s.suspended_on).days
            reason = s.suspension_reason
            slug = RULE_REASON.get(reason, str(reason)) if reason else None
            ends_on = end_date_after_suspension(_rules(s, rules), s.ends_on, days, reason=slug)
            return [ev.InternshipResumed(resumed_on=day, suspended_days=days, ends_on=ends_on)]
        case ExtendInternship(ends_on=new_end):
            return [_extend(s, new_end, _rules(s, rules))]
        case InterruptInternship(reason=reason, initiator=initiator, interrupted_on=day):
            _running(s)
            ended = _ended_on(s, day, today, "interrupted", "interrotto")
            return [ev.InternshipInterrupted(reason=reason, initiator=initiator, interrupted_on=ended)]
        case FlagSafetyIncident(severity=severity):
            _running(s)
            return [ev.SafetyIncidentFlagged(severity=severity, flagged_on=today)]
        case CompleteInternship(outcome=outcome, contract_type=contract, completed_on=day):
            _running(s)
            if s.status == "suspended":
                raise WrongState(
                    "Fai riprendere il tirocinio prima di concluderlo.", "Resume the internship before completing it."
                )
            if (outcome is Outcome.HIRED) != (contract is not None):
                raise WrongState(
                    "Il tipo di contratto si indica se, e solo se, la persona è stata assunta.",
                    "A contract type is given when, and only when, the person was hired.",
                )
            ended = _ended_on(s, day, today, "completed", "concluso")
            return [ev.InternshipCompleted(outcome=outcome, contract_type=contract, completed_on=ended)]
        case IssueCompetenceAttestation(competences=competences, esco_skills=esco):
            if not s.has_ended or s.attested or not (competences or esco):
                raise WrongState(
                    "L'attestazione delle competenze si rilascia una sola volta, dopo la fine del tirocinio,"
                    " indicando almeno una competenza.",
                    "The attestation is issued once, after the end, naming some competences.",
                )
            return [ev.CompetenceAttestationIssued(competences=competences, esco_skills=esco, issued_on=today)]
        case RecordFollowUp():
            return [_follow_up(command, s, today, follow_up_months)]
        case CloseCase():
            return [_close(command, s, today, follow_up_months)]
    raise WrongState(
        "Questa operazione non si applica a un tirocinio.", "This command does not apply to an internship."
    )


def _extend(s: Placement, new_end: date, rules: RuleSet) -> Event:
    _running(s)
    assert s.started_on is not None and s.ends_on is not None
    if new_end <= s.ends_on:
        raise WrongState("Una proroga sposta più avanti la data di fine.", "An extension moves the end date later.")
    ceiling = max_end_date(
        rules,
        s.started_on,
        timedelta(days=36_500),
        s.qualifying_suspended_days,
        True,
        plan_validated=s.validated_on is not None,
    )
    if new_end > ceiling:
        raise RuleBroken(
            f"In base a {rules.legal_reference} questo tirocinio può durare al massimo fino al {day_it(ceiling)}.",
            f"Under {rules.legal_reference} this internship may last until {ceiling} at most.",
        )
    return ev.InternshipExtended(ends_on=new_end)


def _follow_up(command: RecordFollowUp, s: Placement, today: date, months: tuple[int, ...]) -> Event:
    if not s.has_ended or s.ended_on is None:
        raise WrongState(
            "I follow-up si registrano dopo la fine del tirocinio.", "Follow-ups come after the internship ended."
        )
    due = [m for m in months if m not in s.follow_ups]
    if not due or command.after_months != due[0]:
        raise WrongState(
            f"Il prossimo follow-up previsto è a {due[0]} mesi."
            if due
            else "Non resta nessun follow-up da registrare.",
            f"The next follow-up due is at {due[0] if due else 'none'} months.",
        )
    due_on = add_months(s.ended_on, command.after_months)
    if due_on > today:
        raise WrongState(
            f"Il follow-up a {command.after_months} mesi non è ancora previsto.",
            f"The {command.after_months}-month follow-up is not due yet.",
        )
    recorded_on = command.recorded_on or today
    if recorded_on > today:
        raise WrongState(
            "Non si può registrare un follow-up in una data futura.",
            "A follow-up cannot be recorded on a day that has not come yet.",
        )
    if recorded_on < due_on:
        raise WrongState(
            f"Il follow-up a {command.after_months} mesi si registra dal {day_it(due_on)} in poi, non prima.",
            f"The {command.after_months}-month follow-up is due from {due_on}: not dated earlier.",
        )
    if not command.employed and (command.contract_type is not None or command.same_host is not None):
        raise WrongState(
            "Il tipo di contratto e l'azienda si indicano solo se la persona ha un lavoro.",
            "A contract type and the host are given only when the person is employed.",
        )
    return ev.FollowUpRecorded(
        after_months=command.after_months,
        employed=command.employed,
        contract_type=command.contract_type,
        same_host=command.same_host,
        recorded_on=recorded_on,
    )


def _close(command: CloseCase, s: Placement, today: date, follow_up_months: tuple[int, ...]) -> Event:
    if s.status == "closed" or s.is_running:
        raise WrongState(
            "Un caso si chiude una sola volta, dopo la fine del tirocinio.",
            "A case is closed once, after the internship ended.",
        )
    missing = ", ".join(str(m) for m in follow_up_months if m not in s.follow_ups)
    if command.reason is ClosureReason.PATH_COMPLETED and missing:
        raise WrongState(
            f"Un percorso concluso si chiude dopo tutti i follow-up: restano da registrare quelli a {missing} mesi.",
            f"A completed path is closed after every follow-up: still to record at {missing} months.",
        )
    return ev.CaseClosed(reason=command.reason, closed_on=today)


def _ended_on(s: Placement, day: date | None, today: date, how: str, how_it: str) -> date:
    """The day an internship ended: today unless given; never in the future, never before its first day."""
    ended = day or today
    if ended > today:
        raise WrongState(
            f"Non si può registrare un tirocinio come {how_it} in una data futura.",
            f"An internship cannot be recorded as {how} on a day that has not come yet.",
        )
    assert s.started_on is not None
    if ended < s.started_on:
        raise WrongState(
            f"Un tirocinio non può essere {how_it} prima del suo primo giorno ({day_it(s.started_on)}).",
            f"An internship cannot be {how} before its first day ({s.started_on}).",
        )
    if s.suspended_on is not None and ended < s.suspended_on:
        raise WrongState(
            f"Un tirocinio non può essere {how_it} prima del giorno in cui è stato sospeso ({day_it(s.suspended_on)}).",
            f"An internship cannot be {how} before the day it was suspended ({s.suspended_on}).",
        )
    return ended


def _running(s: Placement) -> None:
    if not s.is_running:
        raise WrongState(
            f"Il tirocinio non è in corso (stato: «{STATUS_IT.get(s.status, s.status)}»).",
            f"The internship is not running (it is {s.status}).",
        )


def _rules(s: Placement, rules: RuleSet | None) -> RuleSet:
    if s.project is None:
        raise WrongState("Non c'è un progetto formativo.", "There is no training project.")
    if rules is None or rules.id != s.project.rule_set_id:
        raise TypeError(f"this internship follows rule set {s.project.rule_set_id}")
    return rules
