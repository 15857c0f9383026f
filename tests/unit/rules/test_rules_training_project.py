"""A training project that breaks a rule gets that violation, in plain words; a good one gets none."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from cantiere_placements.domain.rules import ViolationCode, check_training_project, last_day, minimum_allowance_cents
from cantiere_runtime.rules import RuleSet, load_rule_sets
from hypothesis import given
from hypothesis import strategies as st

SHIPPED = sorted(load_rule_sets().values(), key=lambda r: r.id)


def _good_project(rules: RuleSet, start: date) -> dict:
    months = rules.max_duration_months
    return {
        "hours_per_week": rules.max_hours_per_week,
        "start": start,
        "end": last_day(start, months),
        "monthly_allowance_cents": minimum_allowance_cents(rules, months),
    }


def _breaking(rules: RuleSet, code: ViolationCode, start: date) -> dict:
    project = _good_project(rules, start)
    if code is ViolationCode.END_BEFORE_START:
        project["end"] = start - timedelta(days=1)
        project["monthly_allowance_cents"] = 10**6
    elif code is ViolationCode.TOO_SHORT:
        project["end"] = last_day(start, rules.min_duration_months) - timedelta(days=1)
    elif code is ViolationCode.TOO_LONG:
        project["end"] = last_day(start, rules.max_duration_months) + timedelta(days=1)
        project["monthly_allowance_cents"] = 10**6  # a longer internship may need a higher minimum
    elif code is ViolationCode.NO_HOURS:
        project["hours_per_week"] = 0
    elif code is ViolationCode.TOO_MANY_HOURS:
        project["hours_per_week"] = rules.max_hours_per_week + 1
    elif code is ViolationCode.ALLOWANCE_BELOW_MINIMUM:
        project["monthly_allowance_cents"] -= 1
    return project


@pytest.mark.parametrize("rules", SHIPPED, ids=lambda r: r.id)
def test_a_project_within_every_rule_has_no_violations(rules):
    assert check_training_project(rules, **_good_project(rules, date(2024, 1, 15))) == []


@given(
    rules=st.sampled_from(SHIPPED),
    code=st.sampled_from(ViolationCode),
    start=st.dates(date(2000, 1, 1), date(2040, 1, 1)),
)
def test_a_project_breaking_one_rule_gets_exactly_that_violation(rules, code, start):
    violations = check_training_project(rules, **_breaking(rules, code, start))
    assert [v.code for v in violations] == [code]
    assert violations[0].message.endswith(".")


def test_the_messages_say_what_is_wrong_and_what_is_allowed():
    rules = load_rule_sets()["puglia-lr-26-2023"]
    found = check_training_project(rules, 36, date(2024, 1, 1), date(2025, 1, 31), 650_00)
    assert {v.code: v.message for v in found} == {
        ViolationCode.TOO_LONG: "An internship lasts at most 6 months under L.R. Puglia 10 novembre 2023, n. 26:"
        " starting on 2024-01-01, it must end by 2024-06-30, not 2025-01-31.",
        ViolationCode.TOO_MANY_HOURS: "An intern may work at most 30 hours a week under L.R. Puglia 10 novembre 2023,"
        " n. 26; the project plans 36.",
        ViolationCode.ALLOWANCE_BELOW_MINIMUM: "The monthly allowance must be at least 700.00 euro for an internship"
        " of 13 months under L.R. Puglia 10 novembre 2023, n. 26; the project offers 650.00 euro.",
    }


def test_a_too_short_project_says_the_earliest_end_date():
    rules = load_rule_sets()["puglia-lr-26-2023"]
    [violation] = check_training_project(rules, 20, date(2024, 3, 1), date(2024, 4, 15), 600_00)
    assert violation.code is ViolationCode.TOO_SHORT
    assert "it must end on 2024-04-30 or later, not 2024-04-15" in violation.message


def test_a_validated_plan_or_an_inclusion_internship_may_run_longer():
    current = load_rule_sets()["puglia-lr-26-2023"]
    pilot = load_rule_sets()["puglia-2008-pilot"]
    a_year = (date(2024, 1, 1), last_day(date(2024, 1, 1), 12))
    assert check_training_project(current, 30, *a_year, 700_00, plan_validated=True) == []
    assert check_training_project(pilot, 30, *a_year, 450_00, is_inclusion=True) == []
    assert [v.code for v in check_training_project(pilot, 30, *a_year, 450_00)] == [ViolationCode.TOO_LONG]
