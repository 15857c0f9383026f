"""Scale mode's invented territory and scenario: valid, of the size asked, and playable in a plan."""

from __future__ import annotations

from pathlib import Path

from cantiere_runtime.territory import load_territory
from cantiere_simulator.plan import plan_programme
from cantiere_simulator.scale import Rates, write_scale_files


def test_n_municipalities_over_m_years_make_a_valid_territory_and_a_programme_of_that_size(tmp_path: Path) -> None:
    path, scenario = write_scale_files(tmp_path, municipalities=23, years=3, per_year=2, seed=7)
    territory = load_territory(path)
    assert len(territory.municipalities) == 23
    assert [len(a.municipalities) for a in territory.ambiti] == [10, 10, 3]
    assert len(list(territory.referrals_groups())) == 3  # one referrals process per ambito
    assert scenario.people == 23 * 3 * 2
    programme = plan_programme(scenario, territory)
    referrals = [s for s in programme.steps if s.kind == "refer"]
    assert len(referrals) == 23 * 3 * 2
    period = territory.programme_period
    assert all(period.start <= s.day <= period.end for s in programme.steps)
    assert programme.tally.keep_apart


def test_the_final_line_gives_the_rates() -> None:
    line = Rates(steps=100, requests=400, public_events=800, seconds=20).line(20, 2)
    assert "5.0 passi/s" in line and "20.0 richieste/s" in line and "40.0 eventi/s" in line
