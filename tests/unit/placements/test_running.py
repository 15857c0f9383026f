"""The running internship: attendance, allowance from the rules, suspension, extension, end, follow-ups."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cantiere_events.codes import (
    ClosureReason,
    ContractType,
    InterruptionInitiator,
    InterruptionReason,
    NoticeKind,
    Outcome,
    SuspensionReason,
    TutorRole,
)
from cantiere_placements.domain import events as ev
from cantiere_placements.domain.agreement import FileMandatoryNotice
from cantiere_placements.domain.errors import NotYourIntern, RuleBroken, WrongState
from cantiere_placements.domain.placement import placement_decider
from cantiere_placements.domain.running import (
    CalculateAllowance,
    CloseAttendanceMonth,
    CloseCase,
    CompleteInternship,
    ExtendInternship,
    InterruptInternship,
    IssueCompetenceAttestation,
    LogTutorVisit,
    PayAllowance,
    RecordFollowUp,
    ResumeInternship,
    SuspendInternship,
)
from cantiere_placements.domain.values import Acting
from cantiere_runtime.testing import DeciderSpec

from .factories import CURRENT, PILOT, uid
from .journey import END, READY, RUNNING, april

spec = DeciderSpec(placement_decider)
MAY = date(2008, 5, 5)
close_april = CloseAttendanceMonth("2008-04", Decimal(80), Decimal(80))
completed = ev.InternshipCompleted(outcome=Outcome.NOT_HIRED, completed_on=END)


def test_the_hosts_tutor_closes_its_own_interns_month() -> None:
    tutor = CloseAttendanceMonth("2008-04", Decimal(80), Decimal(80), Acting(True, uid(5001)))
    spec.given(*RUNNING).when(tutor, today=MAY).then(april())


def test_a_tutor_of_another_host_cannot_close_the_month() -> None:
    stranger = CloseAttendanceMonth("2008-04", Decimal(80), Decimal(80), Acting(True, uid(5002)))
    spec.given(*RUNNING).when(stranger, today=MAY).raises(NotYourIntern)


def test_attendance_cannot_be_closed_before_the_start_or_twice() -> None:
    spec.given(*READY).when(close_april, today=MAY).raises(WrongState, "not running")
    spec.given(*RUNNING, april()).when(close_april, today=MAY).raises(WrongState, "already closed")
    future = CloseAttendanceMonth("2008-06", Decimal(80), Decimal(80))
    spec.given(*RUNNING).when(future, today=MAY).raises(WrongState)


def test_full_attendance_earns_the_full_allowance() -> None:
    spec.given(*RUNNING, april()).when(CalculateAllowance("2008-04"), today=MAY, rules=PILOT).then(
        ev.AllowanceCalculated(month="2008-04", amount_cents=45_000, rule_set_id=PILOT.id)
    )


def test_attendance_below_the_threshold_earns_a_proportional_allowance() -> None:
    spec.given(*RUNNING, april("40")).when(CalculateAllowance("2008-04"), today=MAY, rules=PILOT).then(
        ev.AllowanceCalculated(month="2008-04", amount_cents=22_500, rule_set_id=PILOT.id)
    )


def test_the_allowance_uses_the_projects_own_rule_set() -> None:
    try:
        placement_decider.run([*RUNNING, april()], CalculateAllowance("2008-04"), today=MAY, rules=CURRENT)
    except TypeError as exc:
        assert PILOT.id in str(exc)
    else:
        raise AssertionError("another rule set was accepted")


def test_an_allowance_is_paid_once_after_it_is_calculated() -> None:
    calculated = ev.AllowanceCalculated(month="2008-04", amount_cents=45_000, rule_set_id=PILOT.id)
    spec.given(*RUNNING, april()).when(PayAllowance("2008-04"), today=MAY).raises(WrongState)
    paid = ev.AllowancePaid(month="2008-04", amount_cents=45_000, paid_on=MAY)
    spec.given(*RUNNING, april(), calculated).when(PayAllowance("2008-04"), today=MAY).then(paid)
    spec.given(*RUNNING, april(), calculated, paid).when(PayAllowance("2008-04"), today=MAY).raises(WrongState)


def test_tutor_visits_are_logged() -> None:
    spec.given(*RUNNING).when(LogTutorVisit(uid(20), TutorRole.PROMOTER, MAY), today=MAY).then(
        ev.TutorVisitLogged(tutor_id=uid(20), tutor_role=TutorRole.PROMOTER, visited_on=MAY)
    )


def test_a_qualifying_suspension_moves_the_end_date_by_its_days() -> None:
    suspended = ev.InternshipSuspended(reason=SuspensionReason.ILLNESS, suspended_on=date(2008, 5, 1))
    spec.given(*RUNNING).when(SuspendInternship(SuspensionReason.ILLNESS, date(2008, 5, 1)), today=MAY).then(suspended)
    spec.given(*RUNNING, suspended).when(ResumeInternship(date(2008, 5, 21)), today=MAY, rules=PILOT).then(
        ev.InternshipResumed(resumed_on=date(2008, 5, 21), suspended_days=20, ends_on=date(2008, 10, 20))
    )


def test_a_suspension_for_a_reason_the_rules_do_not_name_keeps_the_end_date() -> None:
    suspended = ev.InternshipSuspended(reason=SuspensionReason.PERSONAL, suspended_on=date(2008, 5, 1))
    spec.given(*RUNNING, suspended).when(ResumeInternship(date(2008, 5, 21)), today=MAY, rules=PILOT).then(
        ev.InternshipResumed(resumed_on=date(2008, 5, 21), suspended_days=20, ends_on=END)
    )


def test_an_extension_within_the_maximum_is_granted_and_beyond_it_refused() -> None:
    spec.given(*RUNNING).when(ExtendInternship(date(2008, 12, 31)), today=MAY, rules=PILOT).then(
        ev.InternshipExtended(ends_on=date(2008, 12, 31))
    )
    # Inclusion internships: 12 months + 12 of extension under the pilot's rules.
    spec.given(*RUNNING).when(ExtendInternship(date(2010, 4, 1)), today=MAY, rules=PILOT).raises(RuleBroken)


def test_an_extension_needs_its_notice_afterwards() -> None:
    notice = FileMandatoryNotice(NoticeKind.EXTENSION, "CO/2008/0002")
    spec.given(*RUNNING).when(notice, today=MAY).raises(WrongState)
    extended = ev.InternshipExtended(ends_on=date(2008, 12, 31))
    spec.given(*RUNNING, extended).when(notice, today=MAY).then(
        ev.MandatoryNoticeFiled(kind=NoticeKind.EXTENSION, reference_number="CO/2008/0002", filed_on=MAY)
    )


def test_an_interruption_names_its_reason_and_who_ended_it() -> None:
    command = InterruptInternship(InterruptionReason.EMPLOYMENT_FOUND, InterruptionInitiator.INTERN)
    spec.given(*RUNNING).when(command, today=MAY).then(
        ev.InternshipInterrupted(
            reason=InterruptionReason.EMPLOYMENT_FOUND, initiator=InterruptionInitiator.INTERN, interrupted_on=MAY
        )
    )


def test_hired_needs_a_contract_type_and_not_hired_none() -> None:
    spec.given(*RUNNING).when(CompleteInternship(Outcome.HIRED), today=END).raises(WrongState, "contract")
    spec.given(*RUNNING).when(CompleteInternship(Outcome.HIRED, ContractType.FIXED_TERM), today=END).then(
        ev.InternshipCompleted(outcome=Outcome.HIRED, contract_type=ContractType.FIXED_TERM, completed_on=END)
    )
    spec.given(*RUNNING).when(CompleteInternship(Outcome.NOT_HIRED), today=END).then(completed)


def test_the_attestation_is_issued_once_after_the_end() -> None:
    command = IssueCompetenceAttestation(("kitchen.basic",))
    spec.given(*RUNNING).when(command, today=END).raises(WrongState)
    issued = ev.CompetenceAttestationIssued(competences=("kitchen.basic",), issued_on=END)
    spec.given(*RUNNING, completed).when(command, today=END).then(issued)
    spec.given(*RUNNING, completed, issued).when(command, today=END).raises(WrongState)


def test_follow_ups_come_at_3_6_and_12_months_in_order_once_due() -> None:
    three = RecordFollowUp(3, employed=False)
    spec.given(*RUNNING, completed).when(three, today=date(2008, 12, 1)).raises(WrongState, "not due")
    spec.given(*RUNNING, completed).when(RecordFollowUp(6, False), today=date(2009, 6, 1)).raises(WrongState, "3")
    done = ev.FollowUpRecorded(after_months=3, employed=False, recorded_on=date(2009, 1, 2))
    spec.given(*RUNNING, completed).when(three, today=date(2009, 1, 2)).then(done)


def test_the_case_is_closed_once_after_the_end() -> None:
    close = CloseCase(ClosureReason.OTHER)
    spec.given(*RUNNING).when(close, today=END).raises(WrongState)
    closed = ev.CaseClosed(reason=ClosureReason.OTHER, closed_on=END)
    spec.given(*RUNNING, completed).when(close, today=END).then(closed)
    spec.given(*RUNNING, completed, closed).when(close, today=END).raises(WrongState, "closed")


# --- dates given to the commands (backdated and historical cases) ---------------------------------------------
LONG_AFTER = date(2010, 1, 1)


def follow_up(months: int, on: date) -> ev.FollowUpRecorded:
    return ev.FollowUpRecorded(after_months=months, employed=False, recorded_on=on)


def test_a_completion_is_recorded_on_the_day_given() -> None:
    spec.given(*RUNNING).when(CompleteInternship(Outcome.NOT_HIRED, completed_on=END), today=LONG_AFTER).then(completed)


def test_a_completion_is_not_dated_in_the_future_nor_before_the_first_day() -> None:
    tomorrow = CompleteInternship(Outcome.NOT_HIRED, completed_on=date(2008, 5, 6))
    spec.given(*RUNNING).when(tomorrow, today=MAY).raises(WrongState, "not come yet")
    before = CompleteInternship(Outcome.NOT_HIRED, completed_on=date(2008, 3, 31))
    spec.given(*RUNNING).when(before, today=MAY).raises(WrongState, "before its first day")


def test_an_interruption_is_recorded_on_the_day_given_within_the_internship() -> None:
    day = date(2008, 4, 20)
    command = InterruptInternship(InterruptionReason.EMPLOYMENT_FOUND, InterruptionInitiator.INTERN, day)
    spec.given(*RUNNING).when(command, today=LONG_AFTER).then(
        ev.InternshipInterrupted(
            reason=InterruptionReason.EMPLOYMENT_FOUND, initiator=InterruptionInitiator.INTERN, interrupted_on=day
        )
    )
    early = InterruptInternship(InterruptionReason.EMPLOYMENT_FOUND, InterruptionInitiator.INTERN, date(2008, 3, 1))
    spec.given(*RUNNING).when(early, today=LONG_AFTER).raises(WrongState, "before its first day")
    late = InterruptInternship(InterruptionReason.EMPLOYMENT_FOUND, InterruptionInitiator.INTERN, date(2008, 6, 1))
    spec.given(*RUNNING).when(late, today=MAY).raises(WrongState, "not come yet")


def test_a_follow_up_is_recorded_on_the_day_given_once_due() -> None:
    on_due_day = RecordFollowUp(3, employed=False, recorded_on=date(2008, 12, 30))
    spec.given(*RUNNING, completed).when(on_due_day, today=LONG_AFTER).then(follow_up(3, date(2008, 12, 30)))


def test_a_follow_up_is_not_dated_before_it_is_due_nor_in_the_future() -> None:
    early = RecordFollowUp(3, employed=False, recorded_on=date(2008, 12, 29))
    spec.given(*RUNNING, completed).when(early, today=LONG_AFTER).raises(WrongState, "due from 2008-12-30")
    future = RecordFollowUp(3, employed=False, recorded_on=date(2009, 1, 3))
    spec.given(*RUNNING, completed).when(future, today=date(2009, 1, 2)).raises(WrongState, "not come yet")


def test_a_completed_path_is_closed_only_after_every_follow_up() -> None:
    close = CloseCase(ClosureReason.PATH_COMPLETED)
    three, six = follow_up(3, date(2008, 12, 30)), follow_up(6, date(2009, 3, 30))
    spec.given(*RUNNING, completed).when(close, today=LONG_AFTER).raises(WrongState, "3, 6, 12 months")
    spec.given(*RUNNING, completed, three, six).when(close, today=LONG_AFTER).raises(WrongState, "at 12 months")
    twelve = follow_up(12, date(2009, 9, 30))
    spec.given(*RUNNING, completed, three, six, twelve).when(close, today=LONG_AFTER).then(
        ev.CaseClosed(reason=ClosureReason.PATH_COMPLETED, closed_on=LONG_AFTER)
    )


def test_a_case_may_close_for_another_reason_before_the_follow_ups() -> None:
    close = CloseCase(ClosureReason.PERSON_UNREACHABLE)
    spec.given(*RUNNING, completed).when(close, today=END).then(
        ev.CaseClosed(reason=ClosureReason.PERSON_UNREACHABLE, closed_on=END)
    )


def test_the_follow_ups_a_completed_path_needs_come_from_the_territory() -> None:
    close = CloseCase(ClosureReason.PATH_COMPLETED)
    only_six = follow_up(6, date(2009, 3, 30))
    spec.given(*RUNNING, completed, only_six).when(close, today=LONG_AFTER, follow_up_months=(6,)).then(
        ev.CaseClosed(reason=ClosureReason.PATH_COMPLETED, closed_on=LONG_AFTER)
    )
