"""A wrong territory file is refused with a plain message naming the file, the field and the problem."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from cantiere_runtime.territory import TERRITORIES_DIR, TerritoryError, load_territory, territory_by_code

PILOT = yaml.safe_load((TERRITORIES_DIR / "bari-pilot.yaml").read_text(encoding="utf-8"))

Data = dict[str, Any]


def _set(path: str, value: Any) -> Callable[[Data], None]:
    """A mutation that sets the value at a dotted path (list indexes as numbers)."""

    def mutate(data: Data) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target: Any = data
        for part in parents:
            target = target[part]
        target[last] = value

    return mutate


def _drop(key: str) -> Callable[[Data], None]:
    return lambda data: data.pop(key)


def _reverse_rule_sets(data: Data) -> None:
    data["rule_sets"].reverse()


def _duplicate_rule_set_date(data: Data) -> None:
    data["rule_sets"][1]["from"] = data["rule_sets"][0]["from"]


def _budget_in_euro(amount: Any) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        data.pop("budget_cents")
        data["budget_eur"] = amount

    return mutate


CASES = [
    (
        "municipality code not a slug",
        _set("municipalities.3.code", "Mola di Bari"),
        "municipalities[3].code: 'Mola di Bari' must be lowercase letters, digits or '-' (like 'mola-di-bari')",
    ),
    (
        "duplicated municipality code",
        _set("municipalities.4.code", "noicattaro"),
        "municipalities[4].code: 'noicattaro' is already the code of the municipality Noicattaro",
    ),
    (
        "unknown lead municipality",
        _set("lead_municipality", "lecce"),
        "lead_municipality: 'lecce' is not one of the municipalities (bari, mola-di-bari, noicattaro, rutigliano,"
        " triggiano, adelfia, capurso, cellamare, valenzano)",
    ),
    (
        "duplicate district code",
        _set("municipalities.0.districts.4.code", "municipio-2"),
        "municipalities[0].districts[4].code: 'municipio-2' is used twice in Bari",
    ),
    (
        "rule sets not sorted",
        _reverse_rule_sets,
        "rule_sets[1].from: 2007-11-20 is before the previous entry: list the rule sets once each, in date order",
    ),
    (
        "rule sets with the same date twice",
        _duplicate_rule_set_date,
        "rule_sets[1].from: 2007-11-20 appears twice: list the rule sets once each, in date order",
    ),
    (
        "unknown rule set id",
        _set("rule_sets.1.rule_set", "puglia-lr-99-2030"),
        "rule_sets[1].rule_set: 'puglia-lr-99-2030' is not a known rule set"
        " (known: puglia-2008-pilot, puglia-lr-26-2023)",
    ),
    (
        "rule set used before it exists",
        _set("rule_sets.1.from", "2020-01-01"),
        "rule_sets[1].from: puglia-lr-26-2023 only applies from 2023-11-28, not 2020-01-01",
    ),
    (
        "no rules at the programme start",
        _set("programme_period.start", "2007-01-01"),
        "rule_sets[0].from: no rules would apply when the programme starts (2007-01-01)",
    ),
    ("empty municipalities", _set("municipalities", []), "municipalities: must not be empty"),
    ("negative target", _set("target_internships", -1), "target_internships: must not be negative (got -1)"),
    ("negative budget", _set("budget_cents", -500), "budget_cents: must not be negative (got -500)"),
    (
        "budget in euro with three decimals",
        _budget_in_euro("100.005"),
        "budget_eur: '100.005' must have at most two decimals",
    ),
    ("negative budget in euro", _budget_in_euro("-10.00"), "budget_eur: '-10.00' must not be negative"),
    (
        "budget in euro not a number",
        _budget_in_euro("lots"),
        "budget_eur: 'lots' is not an amount of euro like '500000.00'",
    ),
    (
        "budget in euro as a float",
        _budget_in_euro(100.5),
        "budget_eur: write the amount in quotes, like '500000.00' (got 100.5)",
    ),
    (
        "ISTAT code without quotes",
        _set("municipalities.1.istat_code", 72028),
        "municipalities[1].istat_code: must be text; write it in quotes (got 72028)",
    ),
    (
        "ISTAT code too short",
        _set("municipalities.1.istat_code", "7202"),
        "municipalities[1].istat_code: '7202' must be the 6-digit ISTAT code in quotes, like '072006'",
    ),
    (
        "partner code taken by a municipality",
        _set("partners.monitoring.code", "bari"),
        "partners.monitoring.code: 'bari' is already the code of the municipality Bari; codes must differ",
    ),
    (
        "municipality in two ambiti",
        _set("ambiti.2.municipalities", ["mola-di-bari", "noicattaro", "capurso"]),
        "ambiti[2].municipalities[2]: 'capurso' is already in the ambito 'ambito-triggiano': a municipality belongs"
        " to one ambito",
    ),
    (
        "capofila not a member",
        _set("ambiti.1.capofila", "bari"),
        "ambiti[1].capofila: 'bari' must be one of the ambito's municipalities",
    ),
    (
        "ambito member unknown",
        _set("ambiti.0.municipalities", ["bari", "lecce"]),
        "ambiti[0].municipalities[1]: 'lecce' is not one of the territory's municipalities",
    ),
    (
        "ambito code twice",
        _set("ambiti.2.code", "ambito-triggiano"),
        "ambiti[2].code: 'ambito-triggiano' is the code of another ambito",
    ),
    (
        "ambito code taken by a partner",
        _set("ambiti.0.code", "ati-cantiere"),
        "ambiti[0].code: 'ati-cantiere' is already a partner's or another municipality's code",
    ),
    (
        "unknown way of running referrals",
        _set("referrals_services", "per_region"),
        "referrals_services: must be 'per_municipality' or 'per_ambito' (got 'per_region')",
    ),
    ("misspelt field", _set("target_internship", 30), "target_internship: is not a known field (check the spelling)"),
    ("missing field", _drop("phases"), "phases: is missing"),
    (
        "phase with days and months",
        _set("phases.running", {"days": 10, "months": 6}),
        "phases.running: give exactly one of 'days' or 'months'",
    ),
    (
        "impossible date",
        _set("programme_period.end", "2009-02-30"),
        "programme_period.end: must be a date written as YYYY-MM-DD (got '2009-02-30')",
    ),
    (
        "end before start",
        _set("programme_period.end", "2007-01-01"),
        "programme_period.end: 2007-01-01 is before the start (2007-11-20)",
    ),
    ("threshold too low", _set("disclosure_threshold", 1), "disclosure_threshold: must be at least 3 (got 1)"),
    (
        "unsupported format",
        _set("format_version", 2),
        "format_version: 2 is not supported by this version of Cantiere (it reads 1)",
    ),
    (
        "follow-up months out of order",
        _set("follow_up_after_months", [6, 3]),
        "follow_up_after_months: must be in increasing order, each month once",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_wrong_territory_is_refused_with_a_plain_message(tmp_path: Path, mutate, expected):
    data = copy.deepcopy(PILOT)
    mutate(data)
    path = tmp_path / "bari-pilot.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TerritoryError) as caught:
        load_territory(path)
    assert str(caught.value) == f"bari-pilot.yaml: {expected}"


def test_a_yaml_syntax_error_gives_the_line_and_column(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("code: bari-pilot\nmunicipalities: [bari\nname: x\n", encoding="utf-8")
    with pytest.raises(TerritoryError, match=r"^broken\.yaml: line 3, column 5: this is not valid YAML \("):
        load_territory(path)


def test_a_missing_file_is_named_with_where_it_was_looked_for(tmp_path: Path):
    with pytest.raises(TerritoryError, match=r"^nowhere\.yaml: file not found \(looked for .*nowhere\.yaml\)$"):
        load_territory(tmp_path / "nowhere.yaml")


@pytest.mark.parametrize(("text", "expected"), [("", "the file is empty"), ("- bari\n", "not a list")])
def test_a_file_without_a_mapping_is_refused(tmp_path: Path, text, expected):
    path = tmp_path / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TerritoryError, match=expected):
        load_territory(path)


def test_several_field_problems_are_all_reported_one_a_line(tmp_path: Path):
    data = copy.deepcopy(PILOT)
    data["target_internships"] = -1
    data["budget_cents"] = "lots"
    path = tmp_path / "bari-pilot.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(TerritoryError) as caught:
        load_territory(path)
    assert caught.value.problems == (
        "bari-pilot.yaml: target_internships: must not be negative (got -1)",
        "bari-pilot.yaml: budget_cents: must be a whole number (got 'lots')",
    )


def test_rule_sets_can_be_checked_against_another_rules_table(tmp_path: Path):
    path = tmp_path / "bari-pilot.yaml"
    path.write_text(yaml.safe_dump(PILOT), encoding="utf-8")
    with pytest.raises(TerritoryError, match=r"rule_sets\[0\]\.rule_set: 'puglia-2008-pilot' is not a known rule set"):
        load_territory(path, rule_sets={})


def test_a_shipped_file_whose_code_differs_from_its_name_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    data = copy.deepcopy(PILOT)
    data["code"] = "bari"
    (tmp_path / "bari-pilot.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setattr("cantiere_runtime.territory.TERRITORIES_DIR", tmp_path)
    territory_by_code.cache_clear()
    try:
        with pytest.raises(TerritoryError, match="code: 'bari' must match the file name 'bari-pilot'"):
            territory_by_code("bari-pilot")
    finally:
        territory_by_code.cache_clear()
