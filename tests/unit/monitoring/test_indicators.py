"""Indicators from a known, hand-written history equal the values computed by hand."""

from __future__ import annotations

from datetime import date

from cantiere_monitoring.adapters.facts import consenting_journeys, host_sites
from cantiere_monitoring.domain.indicators import compute
from cantiere_monitoring.domain.journey import Period
from cantiere_monitoring.service_layer.figures import Figures, dimensions
from cantiere_runtime.territory import territory_by_code
from sqlalchemy.ext.asyncio import AsyncEngine

from .known_history import known_history, project

BARI = territory_by_code("bari-pilot")
WHOLE = Period(date(2007, 11, 20), date(2009, 7, 31))


async def test_raw_indicators_equal_the_hand_computed_values(engine: AsyncEngine) -> None:
    await project(engine, known_history())
    journeys, sites = await consenting_journeys(engine), await host_sites(engine)
    raw = compute(journeys, sites, WHOLE, dimensions(BARI), BARI.follow_up_after_months)
    assert raw.flows["referrals"].total == 8  # P9 never consented to statistics
    assert raw.flows["referrals"].by["municipality"]["bari"] == 7
    assert raw.flows["referrals"].by["municipality"]["mola-di-bari"] == 1
    assert raw.flows["referrals"].by["municipality"]["valenzano"] == 0
    assert raw.flows["acceptances"].total == raw.flows["starts"].total == raw.flows["placements"].total == 8
    assert raw.flows["completions"].total == 5
    assert raw.flows["interruptions"].total == 2
    assert raw.categories["outcomes"] == {"hired": 3, "not_hired": 2}
    assert raw.categories["hired_by_contract_type"] == {"permanent": 3}
    assert raw.categories["interruptions_by_reason"] == {"person_choice": 2}
    assert raw.categories["employed_after_3_months"] == {"employed": 3, "not_employed": 2}
    assert raw.flows["referrals"].by["age_band"]["35_44"] == 2
    assert (raw.active_at_end, raw.suspended_at_end) == (1, 0)
    assert raw.attendance_people == 8 and raw.attended_centihours * 10 == raw.planned_centihours * 9
    assert raw.allowance_paid_cents == 8 * 45_000
    assert (raw.hosts_recruited, raw.hosts_retained) == (1, 1)


async def test_published_indicators_show_large_counts_and_withhold_small_ones(engine: AsyncEngine) -> None:
    await project(engine, known_history())
    figures = Figures(engine, BARI)
    published = await figures.indicators(figures.release())
    assert published["flows"]["referrals"]["total"] == {"value": 8}
    assert published["flows"]["completions"]["total"] == {"value": 5}
    assert published["flows"]["interruptions"]["total"]["suppressed"] is True
    assert published["categories"]["hired_by_contract_type"]["breakdown"] == {"withheld": "programme_level"}
    assert published["target"] == {"internships": 30, "starts": {"value": 8}, "share_percent": 26.7}
    assert published["attendance"]["attended_share_percent"] == 90.0
    assert published["allowances"]["paid_cents"] == 360_000
    assert published["at_period_end"]["active"]["suppressed"] is True
    assert published["hosts"]["recruited"]["suppressed"] is True


async def test_procedure_model_measures_each_phase_against_its_standard(engine: AsyncEngine) -> None:
    await project(engine, known_history())
    figures = Figures(engine, BARI)
    phases = {p["phase"]: p for p in (await figures.procedure(figures.release()))["phases"]}
    assert phases["referral"]["standard_days"] == 15 and phases["referral"]["median_days"] == 5.0
    assert phases["intake"]["median_days"] == 15.0
    assert phases["matching"]["median_days"] == 20.0
    assert phases["agreement"]["median_days"] == 10.0
    assert phases["running"]["cases"] == {"value": 7} and phases["running"]["median_days"] == 180.0
    assert phases["running"]["standard_days"] == 183
    assert phases["completion"]["cases"] == {"value": 0} and phases["completion"]["median_days"] is None
    assert not any(p["bottleneck"] for p in phases.values())
