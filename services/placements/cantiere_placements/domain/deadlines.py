"""When each open case is due, from the territory's standard duration of each phase (DESIGN.md §3).

Pure: the day is passed in. A case's due date is the day its current wait started plus the standard duration
of the phase that wait belongs to; a running internship is due on its planned last day; a finished one on
its next follow-up (3, 6, 12 months after the end, as the territory says), then on its closure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from cantiere_runtime.territory import PhaseDuration, Phases

from cantiere_placements.domain.rules import add_months

# The territory's phase each wait belongs to: (pipeline phase, what the case waits for) -> standard phase.
STANDARD_PHASE = {
    ("intake", "intake_referred"): "referral",  # referral submitted -> accepted or declined
    ("intake", "intake_accepted"): "intake",  # accepted -> interview, skills, a proposal
    ("proposed", "acceptance"): "matching",
    ("proposed", "other_party"): "matching",
    ("agreed", "agreement"): "agreement",
    ("agreed", "training_project"): "agreement",
    ("agreed", "employment_centre"): "agreement",
    ("agreed", "start_notice"): "agreement",
    ("agreed", "first_day"): "agreement",
}
FINISHED = ("completed", "interrupted")


@dataclass(frozen=True)
class OpenCase:
    """What the deadline of a case depends on: where it stands, since when, and its dates."""

    phase: str
    waiting_for: str
    since: date
    ends_on: date | None = None  # a running internship's planned last day
    follow_ups_done: tuple[int, ...] = ()  # months after the end already recorded


@dataclass(frozen=True)
class Standards:
    """The territory's standard durations and follow-up months."""

    phases: Phases
    follow_up_after_months: tuple[int, ...] = (3, 6, 12)


@dataclass(frozen=True)
class Deadline:
    """When a case is due, for which step, and whether it is late on a given day."""

    due_on: date
    step: str  # a standard phase ("matching"...), "end" or "follow_up_<n>"
    overdue: bool
    days_late: int  # 0 when not overdue


@dataclass(frozen=True)
class FollowUpDue:
    """A follow-up interview after the end of an internship, not yet recorded."""

    after_months: int
    due_on: date
    overdue: bool


def _plus(day: date, duration: PhaseDuration) -> date:
    return add_months(day, duration.months) if duration.months else day + timedelta(days=duration.days or 0)


def _deadline(due_on: date, step: str, today: date) -> Deadline:
    late = (today - due_on).days
    return Deadline(due_on=due_on, step=step, overdue=late > 0, days_late=max(late, 0))


def follow_ups_due(case: OpenCase, standards: Standards, today: date) -> list[FollowUpDue]:
    """The follow-ups of a finished internship still to record, each with its due day (end + n months)."""
    if case.phase not in FINISHED:
        return []
    return [
        FollowUpDue(n, add_months(case.since, n), today > add_months(case.since, n))
        for n in sorted(standards.follow_up_after_months)
        if n not in case.follow_ups_done
    ]


def deadline(case: OpenCase, standards: Standards, today: date) -> Deadline | None:
    """The case's next due date; None where no standard applies (a suspended internship waits for a decision)."""
    standard = STANDARD_PHASE.get((case.phase, case.waiting_for))
    if standard is not None:
        return _deadline(_plus(case.since, getattr(standards.phases, standard)), standard, today)
    if case.phase == "running":
        due = case.ends_on or _plus(case.since, standards.phases.running)
        return _deadline(due, "end", today)
    if case.phase in FINISHED:
        pending = follow_ups_due(case, standards, today)
        if pending:
            return _deadline(pending[0].due_on, f"follow_up_{pending[0].after_months}", today)
        last = max(standards.follow_up_after_months, default=0)
        return _deadline(_plus(add_months(case.since, last), standards.phases.completion), "closure", today)
    return None


@dataclass(frozen=True)
class Digest:
    """What became due or overdue on a day, for one operator's cases (keys are the cases' own ids)."""

    day: date
    due_today: tuple[str, ...]
    overdue_since_today: tuple[str, ...]
    still_overdue: tuple[str, ...]


def digest(cases: Iterable[tuple[str, Deadline | None]], day: date) -> Digest:
    """The day's digest: due today, late from today on (due yesterday), and late from before."""
    due_today: list[str] = []
    newly: list[str] = []
    older: list[str] = []
    for key, found in cases:
        if found is None:
            continue
        if found.due_on == day:
            due_today.append(key)
        elif found.due_on == day - timedelta(days=1):
            newly.append(key)
        elif found.due_on < day:
            older.append(key)
    return Digest(day, tuple(due_today), tuple(newly), tuple(older))


def by_due_date(rows: Sequence[tuple[str, Deadline | None]]) -> list[tuple[str, Deadline | None]]:
    """Most urgent first; cases with no due date last."""
    return sorted(rows, key=lambda r: (r[1] is None, r[1].due_on if r[1] else date.max))
