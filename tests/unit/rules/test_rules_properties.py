"""Properties that hold for every shipped rule set and any inputs."""

from __future__ import annotations

import math
from datetime import date, timedelta

from cantiere_placements.domain.rules import (
    allowance_for_month,
    can_host_another,
    host_capacity,
    last_day,
    max_duration_months,
    max_end_date,
    minimum_allowance_cents,
)
from cantiere_runtime.rules import RuleSet, load_rule_sets
from cantiere_runtime.territory import territory_by_code
from hypothesis import given
from hypothesis import strategies as st

SHIPPED = sorted(load_rule_sets().values(), key=lambda r: r.id)


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    """A shipped rule set, with the choices that vary between regions flipped either way."""
    rules = draw(st.sampled_from(SHIPPED))
    return rules.model_copy(
        update={
            "inclusion_interns_count_toward_limit": draw(st.booleans()),
            "suspension_counts_in_max_duration": draw(st.booleans()),
            "below_threshold": draw(st.sampled_from(["proportional", "nothing"])),
        }
    )


@given(
    day=st.dates(min_value=date(2007, 11, 20), max_value=date(2035, 12, 31)),
    territory_code=st.sampled_from(["bari-pilot", "valdorsa-demo"]),
    duration=st.integers(1, 24),
    agreed=st.integers(0, 2_000_00),
    planned=st.integers(1, 250),
    data=st.data(),
)
def test_the_allowance_is_never_below_the_minimum_for_the_date_when_attendance_meets_the_threshold(
    day, territory_code, duration, agreed, planned, data
):
    territory = territory_by_code(territory_code)
    if day < territory.rule_sets[0].starts_on:
        day = territory.rule_sets[0].starts_on
    rules = territory.rule_set_on(day)
    at_threshold = math.ceil(planned * rules.attendance_threshold_percent / 100)
    attended = data.draw(st.integers(at_threshold, planned + 40))
    paid = allowance_for_month(rules, agreed, planned, attended, duration_months=duration)
    assert paid >= minimum_allowance_cents(rules, duration)
    assert paid == max(agreed, minimum_allowance_cents(rules, duration))


@given(rules=rule_sets(), agreed=st.integers(0, 2_000_00), planned=st.integers(1, 250), attended=st.integers(0, 300))
def test_the_allowance_is_never_negative_nor_more_than_the_full_amount(rules, agreed, planned, attended):
    full = max(agreed, minimum_allowance_cents(rules, 0))
    assert 0 <= allowance_for_month(rules, agreed, planned, attended) <= full


@given(
    rules=rule_sets(),
    headcount=st.integers(0, 400),
    arrivals=st.lists(st.booleans(), max_size=60),
)
def test_can_host_another_never_lets_a_host_exceed_its_capacity(rules, headcount, arrivals):
    capacity = host_capacity(rules, headcount, is_inclusion=False)
    assert capacity is not None
    interns = inclusion = 0
    for is_inclusion in arrivals:
        if can_host_another(rules, headcount, interns, is_inclusion=is_inclusion, current_inclusion_interns=inclusion):
            interns += 1
            inclusion += is_inclusion
        counted = interns if rules.inclusion_interns_count_toward_limit else interns - inclusion
        assert counted <= capacity


@given(rules=rule_sets(), headcount=st.integers(0, 400))
def test_a_host_below_capacity_can_always_take_an_ordinary_intern(rules, headcount):
    capacity = host_capacity(rules, headcount, is_inclusion=False)
    assert capacity is not None
    if capacity > 0:
        assert can_host_another(rules, headcount, capacity - 1)
    assert not can_host_another(rules, headcount, capacity)


@given(
    rules=rule_sets(),
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    extension=st.integers(0, 1_000),
    suspended=st.integers(0, 500),
    is_inclusion=st.booleans(),
    plan_validated=st.booleans(),
)
def test_the_time_actually_spent_never_exceeds_the_maximum_with_extensions(
    rules, start, extension, suspended, is_inclusion, plan_validated
):
    end = max_end_date(rules, start, timedelta(days=extension), suspended, is_inclusion, plan_validated=plan_validated)
    months = max_duration_months(rules, is_inclusion=is_inclusion, plan_validated=plan_validated)
    if is_inclusion:
        ceiling = last_day(start, months + rules.max_extension_months_inclusion)
    else:
        ceiling = last_day(start, months + rules.max_extension_months, rules.max_extension_days)
    assert end >= last_day(start, months)  # never less than the maximum without extensions
    if rules.suspension_counts_in_max_duration:
        assert end <= ceiling
    else:
        days_in_internship = (end - start).days + 1 - suspended
        assert days_in_internship <= (ceiling - start).days + 1
