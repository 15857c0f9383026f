"""Worked examples of the rule calculations: allowance, host capacity, durations and suspensions."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from cantiere_placements.domain.rules import (
    add_months,
    allowance_for_month,
    can_host_another,
    duration_in_months,
    end_date_after_suspension,
    host_capacity,
    last_day,
    max_end_date,
    minimum_allowance_cents,
    suspension_qualifies,
)
from cantiere_runtime.rules import BelowThreshold, Rounding, rule_set

CURRENT = rule_set("puglia-lr-26-2023")
PILOT = rule_set("puglia-2008-pilot")
NO_EXTENSION = timedelta(0)


def test_months_are_added_calendar_wise_and_clamped_to_the_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)
    assert add_months(date(2024, 5, 15), -5) == date(2023, 12, 15)


def test_an_internship_from_the_first_of_january_to_the_thirtieth_of_june_lasts_six_months():
    assert last_day(date(2024, 1, 1), 6) == date(2024, 6, 30)
    assert duration_in_months(date(2024, 1, 1), date(2024, 6, 30)) == 6
    assert duration_in_months(date(2024, 1, 1), date(2024, 7, 1)) == 7
    assert duration_in_months(date(2024, 1, 1), date(2024, 1, 1)) == 1


def test_the_minimum_allowance_rises_to_700_euro_only_for_internships_over_six_months():
    assert minimum_allowance_cents(CURRENT, 6) == 600_00
    assert minimum_allowance_cents(CURRENT, 7) == 700_00
    assert minimum_allowance_cents(PILOT, 12) == 450_00


def test_full_attendance_pays_the_agreed_allowance():
    assert allowance_for_month(CURRENT, 650_00, planned_hours=80, attended_hours=80) == 650_00


def test_attendance_exactly_at_the_threshold_pays_in_full():
    assert allowance_for_month(CURRENT, 600_00, planned_hours=100, attended_hours=70) == 600_00
    assert allowance_for_month(CURRENT, 600_00, planned_hours=Decimal("80"), attended_hours=Decimal("56.0")) == 600_00


def test_below_the_threshold_the_allowance_is_proportional_and_rounded_down_to_the_cent():
    assert allowance_for_month(CURRENT, 600_00, planned_hours=90, attended_hours=60) == 400_00
    assert allowance_for_month(CURRENT, 700_00, planned_hours=3, attended_hours=1) == 233_33


def test_below_the_threshold_nothing_is_paid_when_the_rules_say_so():
    rules = CURRENT.model_copy(update={"below_threshold": BelowThreshold.NOTHING})
    assert allowance_for_month(rules, 600_00, planned_hours=100, attended_hours=69) == 0


def test_an_agreed_allowance_below_the_legal_minimum_is_raised_to_it():
    assert allowance_for_month(CURRENT, 500_00, planned_hours=80, attended_hours=80) == 600_00
    assert allowance_for_month(CURRENT, 600_00, planned_hours=80, attended_hours=80, duration_months=9) == 700_00


def test_a_month_with_no_planned_hours_pays_nothing():
    assert allowance_for_month(CURRENT, 600_00, planned_hours=0, attended_hours=0) == 0


def test_negative_hours_are_refused():
    with pytest.raises(ValueError, match="attended_hours cannot be negative"):
        allowance_for_month(CURRENT, 600_00, planned_hours=80, attended_hours=-1)


@pytest.mark.parametrize(
    ("headcount", "interns"),
    [(0, 1), (5, 1), (6, 2), (20, 2), (21, 2), (29, 2), (30, 3), (39, 3), (40, 4), (250, 25)],
)
def test_host_capacity_follows_the_headcount_brackets_rounding_ten_percent_down(headcount, interns):
    assert host_capacity(CURRENT, headcount, is_inclusion=False) == interns


def test_rounding_up_is_configurable():
    rules = CURRENT.model_copy(update={"interns_per_host_rounding": Rounding.UP})
    assert host_capacity(rules, 21, is_inclusion=False) == 3


def test_inclusion_interns_are_unlimited_when_they_do_not_count():
    assert host_capacity(PILOT, 3, is_inclusion=True) is None
    assert can_host_another(PILOT, 3, current_interns=5, is_inclusion=True, current_inclusion_interns=5)


def test_inclusion_interns_do_not_take_the_place_of_ordinary_ones_when_they_do_not_count():
    assert can_host_another(PILOT, 3, current_interns=4, current_inclusion_interns=4)
    assert not can_host_another(PILOT, 3, current_interns=5, current_inclusion_interns=4)


def test_inclusion_interns_use_up_the_places_when_the_rules_count_them():
    rules = PILOT.model_copy(update={"inclusion_interns_count_toward_limit": True})
    assert host_capacity(rules, 3, is_inclusion=True) == 1
    assert not can_host_another(rules, 3, current_interns=1, current_inclusion_interns=1)
    assert not can_host_another(rules, 3, current_interns=1, is_inclusion=True, current_inclusion_interns=1)


def test_a_small_host_with_one_intern_cannot_take_another():
    assert can_host_another(CURRENT, 4, current_interns=0)
    assert not can_host_another(CURRENT, 4, current_interns=1)


def test_under_the_current_law_six_months_is_the_ceiling_even_with_extensions():
    start = date(2024, 1, 1)
    assert max_end_date(CURRENT, start, timedelta(days=90), 0, False) == date(2024, 6, 30)


def test_a_validated_plan_allows_twelve_months_under_the_current_law():
    start = date(2024, 1, 1)
    assert max_end_date(CURRENT, start, NO_EXTENSION, 0, False, plan_validated=True) == date(2024, 12, 31)


def test_under_the_pilot_rules_an_extension_adds_at_most_thirty_days():
    start = date(2008, 3, 1)
    assert max_end_date(PILOT, start, NO_EXTENSION, 0, False) == date(2008, 8, 31)
    assert max_end_date(PILOT, start, timedelta(days=10), 0, False) == date(2008, 9, 10)
    assert max_end_date(PILOT, start, timedelta(days=90), 0, False) == date(2008, 9, 30)


def test_under_the_pilot_rules_inclusion_internships_reach_twenty_four_months_with_extensions():
    start = date(2008, 3, 1)
    assert max_end_date(PILOT, start, NO_EXTENSION, 0, True) == date(2009, 2, 28)
    assert max_end_date(PILOT, start, timedelta(days=10_000), 0, True) == date(2010, 2, 28)


def test_suspended_days_move_the_ceiling_when_they_do_not_count_in_the_maximum():
    start = date(2024, 1, 1)
    assert max_end_date(CURRENT, start, NO_EXTENSION, 31, False) == date(2024, 7, 31)
    counted = CURRENT.model_copy(update={"suspension_counts_in_max_duration": True})
    assert max_end_date(counted, start, NO_EXTENSION, 31, False) == date(2024, 6, 30)


def test_a_qualifying_suspension_moves_the_end_date_by_its_length():
    assert end_date_after_suspension(CURRENT, date(2024, 6, 30), 20, reason="maternity") == date(2024, 7, 20)
    assert suspension_qualifies(CURRENT, "long-illness", 20)


def test_a_suspension_for_another_reason_does_not_move_the_end_date():
    assert end_date_after_suspension(CURRENT, date(2024, 6, 30), 20, reason="holiday") == date(2024, 6, 30)
    assert not suspension_qualifies(CURRENT, "holiday", 20)


def test_a_suspension_shorter_than_the_minimum_does_not_move_the_end_date():
    rules = CURRENT.model_copy(update={"min_suspension_days": 30})
    assert end_date_after_suspension(rules, date(2024, 6, 30), 29) == date(2024, 6, 30)
    assert end_date_after_suspension(rules, date(2024, 6, 30), 30) == date(2024, 7, 30)


def test_when_the_rules_do_not_extend_for_suspensions_the_end_date_stays():
    rules = CURRENT.model_copy(update={"suspension_extends_end_date": False})
    assert end_date_after_suspension(rules, date(2024, 6, 30), 60, reason="maternity") == date(2024, 6, 30)
    assert not suspension_qualifies(rules, "maternity", 60)
