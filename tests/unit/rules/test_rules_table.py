"""The shipped rule sets load, say which values are unverified, and wrong rule set files are refused plainly."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from cantiere_runtime.rules import (
    RULESETS_DIR,
    BelowThreshold,
    RuleSet,
    RuleSetError,
    load_rule_set_file,
    load_rule_sets,
    rule_set,
)

CURRENT = yaml.safe_load((RULESETS_DIR / "puglia-lr-26-2023.yaml").read_text(encoding="utf-8"))


def test_every_shipped_rule_set_loads():
    assert sorted(load_rule_sets()) == ["puglia-2008-pilot", "puglia-lr-26-2023"]
    for rule_set_id, rules in load_rule_sets().items():
        assert isinstance(rules, RuleSet)
        assert rules.id == rule_set_id


def test_the_current_law_sets_600_euro_and_700_over_six_months():
    rules = rule_set("puglia-lr-26-2023")
    assert [(s.over_months, s.cents) for s in rules.min_monthly_allowance_cents] == [(0, 600_00), (6, 700_00)]
    assert (rules.min_duration_months, rules.max_duration_months, rules.max_duration_months_validated_plan) == (
        2,
        6,
        12,
    )


def test_the_pilot_rules_set_450_euro_and_six_months_plus_thirty_days():
    rules = rule_set("puglia-2008-pilot")
    assert [(s.over_months, s.cents) for s in rules.min_monthly_allowance_cents] == [(0, 450_00)]
    assert (rules.max_duration_months, rules.max_extension_days, rules.max_hours_per_week) == (6, 30, 30)
    assert (rules.max_duration_months_inclusion, rules.max_extension_months_inclusion) == (12, 12)
    assert rules.inclusion_interns_count_toward_limit is False


@pytest.mark.parametrize(
    ("rule_set_id", "field"),
    [
        ("puglia-lr-26-2023", "min_monthly_allowance_cents"),  # 700 euro: secondary sources
        ("puglia-lr-26-2023", "attendance_threshold_percent"),
        ("puglia-lr-26-2023", "interns_per_host"),
        ("puglia-lr-26-2023", "suspension_extends_end_date"),
        ("puglia-lr-26-2023", "suspension_counts_in_max_duration"),
        ("puglia-lr-26-2023", "max_duration_months_inclusion"),
        ("puglia-2008-pilot", "min_monthly_allowance_cents"),  # R.R. 3/2014 postdates the pilot
        ("puglia-2008-pilot", "attendance_threshold_percent"),
        ("puglia-2008-pilot", "suspension_extends_end_date"),
    ],
)
def test_values_that_rules_md_calls_unverified_are_marked_with_a_reason(rule_set_id, field):
    rules = rule_set(rule_set_id)
    assert field in rules.unverified_fields
    assert rules.unverified[field].strip()


def test_values_read_in_the_law_are_not_marked_unverified():
    assert {"min_duration_months", "max_duration_months", "max_duration_months_validated_plan"}.isdisjoint(
        rule_set("puglia-lr-26-2023").unverified_fields
    )


def test_an_unknown_rule_set_id_names_the_known_ones():
    with pytest.raises(RuleSetError, match=r"no rule set 'lazio' \(known: puglia-2008-pilot, puglia-lr-26-2023\)"):
        rule_set("lazio")


def test_load_rule_sets_returns_a_fresh_dict_each_time():
    first = load_rule_sets()
    first.clear()
    assert load_rule_sets()


def test_a_single_amount_means_one_minimum_whatever_the_duration(tmp_path: Path):
    data = copy.deepcopy(CURRENT)
    data["min_monthly_allowance_cents"] = 55_000
    data["below_threshold"] = "nothing"
    loaded = _load(tmp_path, data)
    assert [(s.over_months, s.cents) for s in loaded.min_monthly_allowance_cents] == [(0, 55_000)]
    assert loaded.below_threshold is BelowThreshold.NOTHING


def _steps(*steps: tuple[int, int]) -> list[dict[str, int]]:
    return [{"over_months": m, "cents": c} for m, c in steps]


CASES: list[tuple[str, str, Any, str]] = [
    (
        "first step",
        "min_monthly_allowance_cents",
        _steps((1, 60000)),
        "min_monthly_allowance_cents[0].over_months: the first step must start at 0 months",
    ),
    (
        "steps out of order",
        "min_monthly_allowance_cents",
        _steps((0, 60000), (6, 70000), (6, 80000)),
        "min_monthly_allowance_cents[2].over_months: steps must be in increasing order",
    ),
    (
        "bracket with both kinds",
        "interns_per_host",
        [{"up_to_headcount": 5, "interns": 1, "percent": 10}, {"percent": 10}],
        "interns_per_host[0]: give exactly one of 'interns' (a number) or 'percent' (of the permanent headcount)",
    ),
    (
        "last bracket bounded",
        "interns_per_host",
        [{"up_to_headcount": 5, "interns": 1}],
        "interns_per_host[0].up_to_headcount: the last bracket must have no upper bound (leave up_to_headcount out)",
    ),
    (
        "unbounded bracket first",
        "interns_per_host",
        [{"interns": 1}, {"percent": 10}],
        "interns_per_host[0].up_to_headcount: only the last bracket may leave up_to_headcount out",
    ),
    (
        "brackets out of order",
        "interns_per_host",
        [{"up_to_headcount": 20, "interns": 2}, {"up_to_headcount": 5, "interns": 1}, {"percent": 10}],
        "interns_per_host[1].up_to_headcount: brackets must be in increasing order",
    ),
    (
        "threshold over 100",
        "attendance_threshold_percent",
        170,
        "attendance_threshold_percent: must be at most 100 (got 170)",
    ),
    (
        "unknown below-threshold rule",
        "below_threshold",
        "half",
        "below_threshold: must be 'proportional' or 'nothing' (got 'half')",
    ),
    (
        "unverified names no field",
        "unverified",
        {"max_hours": "why"},
        "unverified.max_hours: 'max_hours' is not a field of a rule set",
    ),
    (
        "minimum above maximum",
        "min_duration_months",
        7,
        "min_duration_months: must not be more than max_duration_months",
    ),
    (
        "suspension reason not a slug",
        "suspension_reasons",
        ["Long illness"],
        "suspension_reasons[0]: 'Long illness' must be lowercase letters, digits or '-' (like 'mola-di-bari')",
    ),
]


@pytest.mark.parametrize(("field", "value", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_wrong_rule_set_is_refused_with_a_plain_message(tmp_path: Path, field, value, expected):
    data = copy.deepcopy(CURRENT)
    data[field] = value
    with pytest.raises(RuleSetError) as caught:
        _load(tmp_path, data)
    assert str(caught.value) == f"puglia-lr-26-2023.yaml: {expected}"


def test_a_rule_set_whose_id_differs_from_its_file_name_is_refused(tmp_path: Path):
    data = copy.deepcopy(CURRENT)
    data["id"] = "puglia-current"
    with pytest.raises(RuleSetError, match="id: 'puglia-current' must match the file name 'puglia-lr-26-2023'"):
        _load(tmp_path, data)


def _load(folder: Path, data: dict[str, Any]) -> RuleSet:
    path = folder / "puglia-lr-26-2023.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_rule_set_file(path)
