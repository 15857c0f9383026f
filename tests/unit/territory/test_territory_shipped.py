"""The shipped territories load and answer questions about municipalities and rules by date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from cantiere_runtime.rules import load_rule_sets
from cantiere_runtime.territory import (
    DEFAULT_TERRITORY,
    TERRITORIES_DIR,
    TerritoryError,
    available_territories,
    load_territory,
    territory_by_code,
)

PILOT_TOWNS = [
    "bari",
    "mola-di-bari",
    "noicattaro",
    "rutigliano",
    "triggiano",
    "adelfia",
    "capurso",
    "cellamare",
    "valenzano",
]


def test_both_shipped_territories_are_available_and_load():
    assert available_territories() == ["bari-pilot", "valdorsa-demo"]
    for code in available_territories():
        assert territory_by_code(code).code == code


def test_the_default_territory_is_the_bari_pilot():
    assert DEFAULT_TERRITORY == "bari-pilot"
    assert territory_by_code(DEFAULT_TERRITORY).lead_municipality == "bari"


def test_the_bari_pilot_lists_its_nine_municipalities_in_order_with_bari_as_lead():
    pilot = territory_by_code("bari-pilot")
    assert [m.code for m in pilot.municipalities] == PILOT_TOWNS
    assert pilot.lead.name == "Bari"
    assert pilot.municipality("mola-di-bari").istat_code == "072028"


def test_the_bari_pilot_has_the_pilot_targets_and_budget():
    pilot = territory_by_code("bari-pilot")
    assert pilot.target_internships == 30
    assert pilot.budget_cents == 500_000_00
    assert pilot.disclosure_threshold == 5


def test_bari_has_todays_five_municipi_and_the_other_towns_have_no_districts():
    pilot = territory_by_code("bari-pilot")
    assert [d.name for d in pilot.lead.districts] == [f"Municipio {n}" for n in ("I", "II", "III", "IV", "V")]
    assert pilot.lead.district("municipio-3").name == "Municipio III"
    assert all(not m.districts for m in pilot.municipalities[1:])


def test_partner_codes_are_slugs_distinct_from_municipality_codes():
    pilot = territory_by_code("bari-pilot")
    partners = [pilot.partners.consortium.code, pilot.partners.employment_centre.code, pilot.partners.monitoring.code]
    assert len(set(partners) | set(PILOT_TOWNS)) == len(partners) + len(PILOT_TOWNS)


def test_the_invented_territory_differs_from_the_pilot_in_everything_configurable():
    pilot, valley = territory_by_code("bari-pilot"), territory_by_code("valdorsa-demo")
    assert len(valley.municipalities) == 4
    assert {m.code for m in valley.municipalities}.isdisjoint(PILOT_TOWNS)
    assert [d.code for d in valley.lead.districts] == ["centro-storico", "borgo-nuovo", "le-fornaci"]
    assert all(m.istat_code is None for m in valley.municipalities)
    assert valley.budget_cents == 187_500_50  # from budget_eur "187500.50"
    assert valley.target_internships != pilot.target_internships
    assert valley.disclosure_threshold != pilot.disclosure_threshold
    assert valley.phases != pilot.phases
    assert valley.follow_up_after_months != pilot.follow_up_after_months
    assert valley.rule_sets != pilot.rule_sets


def test_an_unknown_municipality_is_refused_with_the_known_ones():
    with pytest.raises(TerritoryError, match=r"no municipality 'lecce' \(known: bari, mola-di-bari"):
        territory_by_code("bari-pilot").municipality("lecce")


def test_an_unknown_territory_names_the_available_ones():
    with pytest.raises(TerritoryError, match=r"no territory 'roma' \(available: bari-pilot, valdorsa-demo\)"):
        territory_by_code("roma")


def test_an_unknown_district_is_refused():
    with pytest.raises(TerritoryError, match="Bari has no district 'circoscrizione-9'"):
        territory_by_code("bari-pilot").lead.district("circoscrizione-9")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2007, 11, 20), "puglia-2008-pilot"),
        (date(2009, 7, 31), "puglia-2008-pilot"),
        (date(2023, 11, 27), "puglia-2008-pilot"),
        (date(2023, 11, 28), "puglia-lr-26-2023"),
        (date(2040, 1, 1), "puglia-lr-26-2023"),
    ],
)
def test_the_rule_set_is_chosen_by_date_at_the_boundaries(day, expected):
    assert territory_by_code("bari-pilot").rule_set_id_on(day) == expected


def test_before_the_first_rule_set_no_rules_apply_and_the_error_says_when_they_start():
    pilot = territory_by_code("bari-pilot")
    with pytest.raises(TerritoryError, match="no internship rules apply on 2007-11-19; the first start on 2007-11-20"):
        pilot.rule_set_id_on(date(2007, 11, 20) - timedelta(days=1))


def test_the_rule_set_object_for_a_date_comes_from_the_rules_table():
    valley = territory_by_code("valdorsa-demo")
    assert valley.rule_set_on(date(2024, 2, 29)) == load_rule_sets()["puglia-2008-pilot"]
    assert valley.rule_set_on(date(2024, 3, 1)) == load_rule_sets()["puglia-lr-26-2023"]


def test_the_yaml_files_live_inside_the_package_so_the_wheel_ships_them():
    assert TERRITORIES_DIR.parent.name == "cantiere_runtime"
    assert sorted(p.name for p in TERRITORIES_DIR.glob("*.yaml")) == [
        "bari-pilot.scenario.yaml",  # the simulator's scenario of the pilot, beside its territory
        "bari-pilot.yaml",
        "valdorsa-demo.yaml",
    ]
    assert available_territories() == ["bari-pilot", "valdorsa-demo"]


def test_a_territory_loaded_from_any_path_equals_the_shipped_one():
    assert load_territory(TERRITORIES_DIR / "bari-pilot.yaml") == territory_by_code("bari-pilot")


def test_the_pilot_runs_one_referrals_service_per_ambito_as_it_was_organised() -> None:
    pilot = territory_by_code("bari-pilot")
    assert pilot.referrals_groups() == [
        ("ambito-bari", ("bari",)),
        ("ambito-mola-di-bari", ("mola-di-bari", "noicattaro", "rutigliano")),
        ("ambito-triggiano", ("triggiano", "adelfia", "capurso", "cellamare", "valenzano")),
    ]
    assert {a.capofila for a in pilot.ambiti} == {"bari", "triggiano", "mola-di-bari"}  # who funded the pilot
    assert pilot.ambito_of("capurso") is pilot.ambito("ambito-triggiano")


def test_per_municipality_stays_the_default_and_a_municipality_in_no_ambito_runs_alone() -> None:
    valdorsa = territory_by_code("valdorsa-demo")
    assert [name for name, _ in valdorsa.referrals_groups()] == [m.code for m in valdorsa.municipalities]
    per_ambito = valdorsa.model_copy(update={"referrals_services": "per_ambito"})
    assert per_ambito.referrals_groups() == [
        ("ambito-alta-valle", ("orsanera",)),
        ("ambito-bassa-valle", ("ponte-sorbello", "castelmirtillo")),
        ("fontebruna-alta", ("fontebruna-alta",)),
    ]
    assert valdorsa.ambito_of("fontebruna-alta") is None
