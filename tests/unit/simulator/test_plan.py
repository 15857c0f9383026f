"""The simulator's plan of the pilot: deterministic, shaped on the pilot, and in an order the services accept."""

from __future__ import annotations

from collections import Counter

from cantiere_runtime.territory import territory_by_code
from cantiere_simulator.demo import demo_scenario, demo_territory_text
from cantiere_simulator.invented import tax_code
from cantiere_simulator.people import PLACED
from cantiere_simulator.plan import plan_programme
from cantiere_simulator.scenario import scenario_path
from stdnum.it import codicefiscale

TERRITORY = territory_by_code("bari-pilot")


def pilot():  # type: ignore[no-untyped-def]
    scenario = demo_scenario(TERRITORY)
    assert scenario is not None
    return scenario, plan_programme(scenario, TERRITORY)


def test_the_same_seed_plans_the_same_programme_and_another_seed_another() -> None:
    scenario, programme = pilot()
    assert plan_programme(scenario, TERRITORY).steps == programme.steps
    other = plan_programme(scenario.model_copy(update={"seed": scenario.seed + 1}), TERRITORY)
    assert other.steps != programme.steps


def test_the_pilot_refers_33_people_across_the_nine_municipalities_and_starts_30_internships() -> None:
    _, programme = pilot()
    assert len(programme.people) == 33
    assert {p.municipality for p in programme.people} == {m.code for m in TERRITORY.municipalities}
    starts = [s for s in programme.steps if s.kind == "start"]
    assert len(starts) == 30 == sum(p.path == PLACED for p in programme.people)
    bari = [p for p in programme.people if p.municipality == "bari"]
    assert all(p.district in {d.code for d in TERRITORY.municipality("bari").districts} for p in bari)


def test_the_pilot_runs_in_its_programme_period_and_is_extended_into_june_and_july_2009() -> None:
    _, programme = pilot()
    period = TERRITORY.programme_period
    assert all(period.start <= s.day <= period.end for s in programme.steps if s.kind in ("refer", "start"))
    extended = [s.data["ends_on"] for s in programme.steps if s.kind == "extend"]
    assert extended and all(e.year == 2009 and e.month in (6, 7, 8) for e in extended), extended


def test_people_kept_apart_are_never_planned_at_one_host_and_the_second_is_first_refused_there() -> None:
    _, programme = pilot()
    assert len(programme.tally.keep_apart) == 2
    hosts: dict[int, set[int]] = {}
    for step in programme.steps:
        if step.kind == "propose" and step.person is not None and step.host is not None:
            hosts.setdefault(step.person, set()).add(step.host)
    for victim, author in programme.tally.keep_apart:
        people = {p.n: p for p in programme.people}
        assert people[victim].municipality != people[author].municipality
        assert not hosts[victim] & hosts[author]
        refused = [s for s in programme.steps if s.kind == "propose_refused" and s.person == author]
        assert len(refused) == 1 and refused[0].host in hosts[victim]
        # ... while the person to keep apart from is there: proposed at that host, and not yet completed
        proposed = next(s.day for s in programme.steps if s.kind == "propose" and s.host == refused[0].host
                        and s.person == victim)  # fmt: skip
        completed = next(s.day for s in programme.steps if s.kind == "complete" and s.person == victim)
        assert proposed < refused[0].day < completed


def test_each_persons_steps_come_in_the_order_a_path_takes() -> None:
    _, programme = pilot()
    order = ["refer", "intake", "propose", "agree", "start", "attendance", "complete", "attest", "follow_up"]
    for person in programme.people:
        kinds = [s.kind for s in programme.steps if s.person == person.n and s.kind in order]
        positions = [order.index(k) for k in kinds]
        assert positions == sorted(positions), (person.n, kinds)
    follow_ups = Counter(s.data["after"] for s in programme.steps if s.kind == "follow_up")
    assert follow_ups[3] >= follow_ups[6] >= follow_ups[12] > 0


def test_invented_people_have_valid_tax_codes() -> None:
    _, programme = pilot()
    codes = [p.tax_code for p in programme.people]
    assert all(codicefiscale.is_valid(c) for c in codes) and len(set(codes)) == len(codes)
    assert codicefiscale.is_valid(tax_code("Asfodela", "Manomissa", programme.last_day, female=True))


def test_the_demo_extends_only_the_programme_period_of_the_territory_file() -> None:
    scenario, _ = pilot()
    original = (scenario_path("bari-pilot").parent / "bari-pilot.yaml").read_text(encoding="utf-8")
    demo = demo_territory_text(scenario_path("bari-pilot").parent / "bari-pilot.yaml", scenario)
    assert "  end: 2012-12-31" in demo and "  end: 2009-07-31" not in demo
    assert demo.replace("2012-12-31", "2009-07-31") == original


def test_the_demo_stops_with_cases_still_open_in_the_consortiums_pipeline() -> None:
    scenario, programme = pilot()
    assert programme.last_day <= scenario.play_until  # type: ignore[operator]
    states = Counter(programme.tally.placement_status.values())
    assert states["closed"] >= 5 and states["completed"] >= 5, states  # some closed, some waiting for follow-ups
    closes = {s.data["key"] for s in programme.steps if s.kind == "close_case"}
    assert {k for k, state in programme.tally.placement_status.items() if state == "closed"} == closes
