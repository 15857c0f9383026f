"""Pure calculations on a regional rule set: allowance, host capacity, durations, training project checks.

No I/O and no clock: the rule set (chosen by date from the territory) and every date come in
as arguments. Money is integer euro cents; hours are whole or decimal hours (never floats).
End dates are inclusive: an internship from 1 January to 30 June lasts 6 months.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from cantiere_runtime.rules import BelowThreshold, Rounding, RuleSet

from cantiere_placements.domain.errors import day_it

Hours = int | Decimal


class ViolationCode(StrEnum):
    """Which rule a training project breaks."""

    END_BEFORE_START = "end_before_start"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    NO_HOURS = "no_hours"
    TOO_MANY_HOURS = "too_many_hours"
    ALLOWANCE_BELOW_MINIMUM = "allowance_below_minimum"


@dataclass(frozen=True)
class RuleViolation:
    """A rule the training project breaks, with a message a social worker understands."""

    code: ViolationCode
    message: str
    message_it: str


def add_months(day: date, months: int) -> date:
    """The same day ``months`` months later, moved back to the month's last day when it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def last_day(start: date, months: int, days: int = 0) -> date:
    """The last day of a period of ``months`` months and ``days`` days that begins on ``start``."""
    return add_months(start, months) + timedelta(days=days - 1)


def duration_in_months(start: date, end: date) -> int:
    """How many months the internship spans, a started month counting as a whole one."""
    if end < start:
        raise ValueError(f"the end ({end}) is before the start ({start})")
    months = 1
    while end > last_day(start, months):
        months += 1
    return months


def minimum_allowance_cents(rules: RuleSet, duration_months: int) -> int:
    """The minimum monthly allowance for an internship lasting ``duration_months`` months."""
    cents = rules.min_monthly_allowance_cents[0].cents
    for step in rules.min_monthly_allowance_cents:
        if duration_months > step.over_months:
            cents = step.cents
    return cents


def meets_attendance_threshold(rules: RuleSet, planned_hours: Hours, attended_hours: Hours) -> bool:
    """Whether the month's attendance earns the full allowance (no planned hours: it does not)."""
    _not_negative(planned_hours=planned_hours, attended_hours=attended_hours)
    if planned_hours == 0:
        return False
    return Fraction(attended_hours) * 100 >= Fraction(planned_hours) * rules.attendance_threshold_percent


def allowance_for_month(
    rules: RuleSet,
    monthly_allowance_cents: int,
    planned_hours: Hours,
    attended_hours: Hours,
    *,
    duration_months: int | None = None,
) -> int:
    """The month's allowance in cents: in full (never below the legal minimum) at or above the threshold."""
    _not_negative(monthly_allowance_cents=monthly_allowance_cents)
    # The law's minimum prevails over a lower amount in the agreement; without the duration
    # only the lowest step is known.
    full = max(monthly_allowance_cents, minimum_allowance_cents(rules, duration_months or 0))
    if meets_attendance_threshold(rules, planned_hours, attended_hours):
        return full
    if planned_hours == 0 or rules.below_threshold is BelowThreshold.NOTHING:
        return 0
    share = min(Fraction(attended_hours) / Fraction(planned_hours), Fraction(1))
    return math.floor(full * share)


def host_capacity(rules: RuleSet, permanent_headcount: int, is_inclusion: bool) -> int | None:
    """How many interns a host may have at once; None means no limit (inclusion interns not counted)."""
    _not_negative(permanent_headcount=permanent_headcount)
    if is_inclusion and not rules.inclusion_interns_count_toward_limit:
        return None
    for bracket in rules.interns_per_host:
        if bracket.up_to_headcount is None or permanent_headcount <= bracket.up_to_headcount:
            if bracket.interns is not None:
                return bracket.interns
            share = Fraction(permanent_headcount * (bracket.percent or 0), 100)
            return math.ceil(share) if rules.interns_per_host_rounding is Rounding.UP else math.floor(share)
    raise AssertionError("the last bracket has no upper bound")  # guaranteed by RuleSet validation


def can_host_another(
    rules: RuleSet,
    permanent_headcount: int,
    current_interns: int,
    *,
    is_inclusion: bool = False,
    current_inclusion_interns: int = 0,
) -> bool:
    """Whether a host with ``current_interns`` (of which ``current_inclusion_interns``) may take one more."""
    _not_negative(current_interns=current_interns, current_inclusion_interns=current_inclusion_interns)
    if current_inclusion_interns > current_interns:
        raise ValueError("current_inclusion_interns cannot be more than current_interns")
    capacity = host_capacity(rules, permanent_headcount, is_inclusion)
    if capacity is None:
        return True
    counted = current_interns
    if not rules.inclusion_interns_count_toward_limit:
        counted -= current_inclusion_interns
    return counted + 1 <= capacity


def max_duration_months(rules: RuleSet, *, is_inclusion: bool = False, plan_validated: bool = False) -> int:
    """The longest training project allowed, in months, before any extension."""
    months = rules.max_duration_months
    if plan_validated and rules.max_duration_months_validated_plan is not None:
        months = max(months, rules.max_duration_months_validated_plan)
    if is_inclusion:
        months = max(months, rules.max_duration_months_inclusion)
    return months


def max_end_date(
    rules: RuleSet,
    start: date,
    extensions_granted: timedelta,
    suspended_days: int,
    is_inclusion: bool,
    *,
    plan_validated: bool = False,
) -> date:
    """The latest end date allowed, given the extensions granted so far and the qualifying suspended days."""
    _not_negative(extension_days=extensions_granted.days, suspended_days=suspended_days)
    months = max_duration_months(rules, is_inclusion=is_inclusion, plan_validated=plan_validated)
    if is_inclusion:
        extra_months, extra_days = rules.max_extension_months_inclusion, 0
    else:
        extra_months, extra_days = rules.max_extension_months, rules.max_extension_days
    ceiling = last_day(start, months + extra_months, extra_days)
    end = min(last_day(start, months) + extensions_granted, ceiling)
    if not rules.suspension_counts_in_max_duration:
        end += timedelta(days=suspended_days)
    return end


def suspension_qualifies(rules: RuleSet, reason: str, days: int) -> bool:
    """Whether a suspension for ``reason`` lasting ``days`` days moves the end date under these rules."""
    return (
        rules.suspension_extends_end_date and reason in rules.suspension_reasons and days >= rules.min_suspension_days
    )


def end_date_after_suspension(
    rules: RuleSet, planned_end: date, suspension_days: int, *, reason: str | None = None
) -> date:
    """The end date after one suspension (unchanged when the rules do not extend it, or it does not qualify)."""
    _not_negative(suspension_days=suspension_days)
    if not rules.suspension_extends_end_date or suspension_days < rules.min_suspension_days:
        return planned_end
    if reason is not None and reason not in rules.suspension_reasons:
        return planned_end
    return planned_end + timedelta(days=suspension_days)


def check_training_project(
    rules: RuleSet,
    hours_per_week: Hours,
    start: date,
    end: date,
    monthly_allowance_cents: int,
    *,
    is_inclusion: bool = False,
    plan_validated: bool = False,
) -> list[RuleViolation]:
    """Every rule the training project breaks (an empty list when it respects them all)."""
    under = f"under {rules.legal_reference}"
    under_it = f"in base a {rules.legal_reference}"
    found: list[RuleViolation] = []

    def breaks(code: ViolationCode, message: str, message_it: str) -> None:
        found.append(RuleViolation(code=code, message=message, message_it=message_it))

    if end < start:
        breaks(
            ViolationCode.END_BEFORE_START,
            f"The internship ends ({end}) before it starts ({start}).",
            f"Il tirocinio finisce ({day_it(end)}) prima di iniziare ({day_it(start)}).",
        )
    else:
        shortest = last_day(start, rules.min_duration_months)
        if rules.min_duration_months and end < shortest:
            text = f"starting on {start}, it must end on {shortest} or later, not {end}"
            text_it = f"iniziando il {day_it(start)}, deve finire il {day_it(shortest)} o dopo, non il {day_it(end)}"
            breaks(
                ViolationCode.TOO_SHORT,
                f"An internship lasts at least {rules.min_duration_months} months {under}: {text}.",
                f"Un tirocinio dura almeno {rules.min_duration_months} mesi {under_it}: {text_it}.",
            )
        months = max_duration_months(rules, is_inclusion=is_inclusion, plan_validated=plan_validated)
        latest = last_day(start, months)
        if end > latest:
            text = f"starting on {start}, it must end by {latest}, not {end}"
            text_it = f"iniziando il {day_it(start)}, deve finire entro il {day_it(latest)}, non il {day_it(end)}"
            breaks(
                ViolationCode.TOO_LONG,
                f"An internship lasts at most {months} months {under}: {text}.",
                f"Un tirocinio dura al massimo {months} mesi {under_it}: {text_it}.",
            )
    if hours_per_week <= 0:
        breaks(
            ViolationCode.NO_HOURS,
            "The training project must plan some hours a week.",
            "Il progetto formativo deve prevedere un orario settimanale.",
        )
    elif hours_per_week > rules.max_hours_per_week:
        text = f"at most {rules.max_hours_per_week} hours a week {under}; the project plans {hours_per_week}"
        text_it = (
            f"al massimo {_hours_it(rules.max_hours_per_week)} ore a settimana {under_it};"
            f" il progetto ne prevede {_hours_it(hours_per_week)}"
        )
        breaks(ViolationCode.TOO_MANY_HOURS, f"An intern may work {text}.", f"Un tirocinante può lavorare {text_it}.")
    duration = duration_in_months(start, end) if end >= start else 0
    minimum = minimum_allowance_cents(rules, duration)
    if monthly_allowance_cents < minimum:
        text = f"for an internship of {duration} months {under}; the project offers {_euro(monthly_allowance_cents)}"
        text_it = (
            f"per un tirocinio di {duration} mesi {under_it}; il progetto ne offre {_euro_it(monthly_allowance_cents)}"
        )
        breaks(
            ViolationCode.ALLOWANCE_BELOW_MINIMUM,
            f"The monthly allowance must be at least {_euro(minimum)} {text}.",
            f"L'indennità mensile deve essere di almeno {_euro_it(minimum)} {text_it}.",
        )
    return found


def _euro(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100:,}.{abs(cents) % 100:02d} euro"


def _euro_it(cents: int) -> str:
    """An amount as Italians write it: 1.234,50 euro."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100:,}".replace(",", ".") + f",{abs(cents) % 100:02d} euro"


def _hours_it(hours: Hours) -> str:
    return str(hours).replace(".", ",")


def _not_negative(**values: Hours) -> None:
    for name, value in values.items():
        if value < 0:
            raise ValueError(f"{name} cannot be negative (got {value})")
