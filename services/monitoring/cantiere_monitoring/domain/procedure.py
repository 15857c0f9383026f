"""The procedure model: each phase, its standard duration, and how long it really took (pure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from cantiere_monitoring.domain.journey import Journey, Period

DAYS_PER_MONTH = 365.25 / 12

Step = Callable[[Journey], date | None]


def _decided(j: Journey) -> date | None:
    return min((d for d in (j.accepted_on, j.declined_on) if d), default=None)


PHASES: dict[str, tuple[Step, Step]] = {
    "referral": (lambda j: j.referred_on, _decided),  # referral submitted -> accepted or declined
    "intake": (lambda j: j.accepted_on, lambda j: j.intake_done_on),  # -> interview and skills assessed
    "matching": (lambda j: j.intake_done_on, lambda j: j.matched_on),  # -> person and host both said yes
    "agreement": (lambda j: j.matched_on, lambda j: j.started_on),  # convenzione, project, notices -> first day
    "running": (lambda j: j.started_on, lambda j: j.ended_on),  # the internship itself
    "completion": (lambda j: j.ended_on, lambda j: j.attested_on),  # -> competences attested
    "follow_up": (lambda j: j.ended_on, lambda j: j.closed_on),  # -> case closed after the follow-ups
}
"""Where each phase starts and ends in a person's journey."""


def standard_days(days: int | None, months: int | None) -> int:
    """A configured standard duration in days (a month counts as 365.25 / 12 days)."""
    return days if days is not None else round((months or 0) * DAYS_PER_MONTH)


@dataclass(frozen=True)
class PhaseDurations:
    """How many days each person took in one phase that ended in the period."""

    phase: str
    standard_days: int
    durations: tuple[int, ...]


def measure(journeys: Sequence[Journey], period: Period, standards: dict[str, int]) -> list[PhaseDurations]:
    """Measured durations of every phase, for the phases that ended within the period."""
    measured = []
    for phase, (start, end) in PHASES.items():
        days = []
        for journey in journeys:
            began, ended = start(journey), end(journey)
            if began is not None and ended is not None and ended in period and ended >= began:
                days.append((ended - began).days)
        measured.append(PhaseDurations(phase, standards[phase], tuple(sorted(days))))
    return measured
