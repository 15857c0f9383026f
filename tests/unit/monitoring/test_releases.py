"""Figures leave only for fixed releases (programme, year, quarter): no day range, so no subtraction attack."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from itertools import product
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from cantiere_monitoring.domain.indicators import compute
from cantiere_monitoring.domain.journey import Journey, Period
from cantiere_monitoring.domain.procedure import measure
from cantiere_monitoring.domain.publication import (
    breakdown,
    headline,
    publish_indicators,
    publish_procedure,
    time_leak,
)
from cantiere_monitoring.domain.releases import (
    PROGRAMME_LEVEL,
    ReleaseRefused,
    choose_release,
    enclosing,
    guard_release,
    parse_release,
    programme_release,
    quarter_release,
    release_for_days,
    releases,
    year_release,
)
from cantiere_monitoring.entrypoints.api import monitoring_app
from cantiere_monitoring.entrypoints.cli import app as cli
from cantiere_monitoring.report.texts import label
from cantiere_monitoring.service_layer.figures import Figures, dimensions, standards
from cantiere_runtime.auth import Role
from cantiere_runtime.territory import territory_by_code
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from .history import journey
from .known_history import known_history, project
from .test_api_and_disclosure import ISSUERS, token
from .test_masterplan_pdf import read_back

BARI = territory_by_code("bari-pilot")
WHOLE = Period(BARI.programme_period.start, BARI.programme_period.end)  # 2007-11-20 .. 2009-07-31
T = BARI.disclosure_threshold
ROUTES = ["/indicators", "/procedure", "/exports/indicators.csv", "/exports/indicators.json", "/masterplan"]


# --- which periods are released -----------------------------------------------------------------------


def test_the_programme_years_and_quarters_are_released_clipped_to_the_programme_period() -> None:
    assert parse_release(None, WHOLE).period == WHOLE
    assert parse_release("programme", WHOLE).period == WHOLE
    assert parse_release("2008", WHOLE).period == Period(date(2008, 1, 1), date(2008, 12, 31))
    assert parse_release("2007", WHOLE).period == Period(date(2007, 11, 20), date(2007, 12, 31))
    assert parse_release("2009", WHOLE).period == Period(date(2009, 1, 1), date(2009, 7, 31))
    assert parse_release("2008-Q3", WHOLE).period == Period(date(2008, 7, 1), date(2008, 9, 30))
    assert parse_release("2009-Q3", WHOLE).period == Period(date(2009, 7, 1), date(2009, 7, 31))
    assert parse_release("2008-q1", WHOLE).name == "2008-Q1"
    names = [r.name for r in releases(WHOLE)]
    assert names == ["programme", "2007", "2008", "2009", "2007-Q4", *(f"2008-Q{q}" for q in range(1, 5)),
                     "2009-Q1", "2009-Q2", "2009-Q3"]  # fmt: skip


@pytest.mark.parametrize("spec", ["2008-01", "2008-Q5", "2008-Q0", "Q3", "2008-01-01", "last-year", "", " 20080 "])
def test_any_other_period_is_refused_in_plain_words(spec: str) -> None:
    if not spec:  # an empty period is the default, the programme
        assert parse_release(spec, WHOLE).name == "programme"
        return
    with pytest.raises(ReleaseRefused) as refused:
        parse_release(spec, WHOLE)
    assert refused.value.status_code == 422
    assert "periodo" in refused.value.message_it and "period" in refused.value.message_en
    assert "2008-Q3" in refused.value.message_it and "2008-Q3" in refused.value.message_en


@pytest.mark.parametrize("spec", ["2006", "2010", "2007-Q3", "2009-Q4"])
def test_a_year_or_quarter_outside_the_programme_is_refused(spec: str) -> None:
    with pytest.raises(ReleaseRefused, match="outside the programme period"):
        parse_release(spec, WHOLE)


@pytest.mark.parametrize("spec", ["0000", "0000-Q1", "9999", "9999-Q4"])
def test_a_year_the_calendar_cannot_hold_is_refused_in_plain_words(spec: str) -> None:
    with pytest.raises(ReleaseRefused) as refused:
        parse_release(spec, WHOLE)
    assert refused.value.status_code == 422
    assert "l'anno deve essere tra 0001 e 9998" in refused.value.message_it
    assert "the year must be between 0001 and 9998" in refused.value.message_en
    assert parse_release("0001", Period(date(1, 1, 1), date(1, 12, 31))).name == "0001"
    assert parse_release("9998-Q4", Period(date(9998, 1, 1), date(9998, 12, 31))).name == "9998-Q4"


def test_days_are_accepted_only_when_they_are_exactly_a_release() -> None:
    assert release_for_days(None, None, WHOLE).name == "programme"
    assert release_for_days(date(2008, 1, 1), date(2008, 12, 31), WHOLE).name == "2008"
    assert release_for_days(date(2008, 7, 1), date(2008, 9, 30), WHOLE).name == "2008-Q3"
    assert release_for_days(date(2007, 11, 20), date(2007, 12, 31), WHOLE).name == "2007"  # clipped bounds
    assert release_for_days(date(2009, 1, 1), None, WHOLE).name == "2009"  # to the programme end: all of 2009
    for start, end in [(date(2008, 1, 1), date(2008, 1, 30)), (date(2008, 1, 1), date(2008, 1, 31)),
                       (date(2008, 1, 2), date(2008, 3, 31)), (date(2008, 1, 1), date(2009, 12, 31))]:  # fmt: skip
        with pytest.raises(ReleaseRefused, match="arbitrary range of days"):
            release_for_days(start, end, WHOLE)
    with pytest.raises(ReleaseRefused, match="not both"):
        choose_release("2008", date(2008, 1, 1), date(2008, 12, 31), WHOLE)


# --- the check of a release against the releases that contain it ------------------------------------


def _person(n: int, referred: date) -> Journey:
    return Journey(person_id=f"p{n}", municipality="bari", age_band="25_34", referred_on=referred)


def _published(people: list[Journey], period: Period) -> dict[str, Any]:
    raw = compute(people, [], period, dimensions(BARI), BARI.follow_up_after_months)
    return publish_indicators(raw, T, BARI.target_internships, BARI.budget_cents)


def test_a_quarter_that_differs_from_its_year_by_fewer_than_t_is_withheld() -> None:
    people = [_person(n, date(2008, 1, 15)) for n in range(10)] + [_person(10, date(2008, 5, 1)),
                                                                  _person(11, date(2008, 5, 2))]  # fmt: skip
    year, q1 = year_release(2008, WHOLE), quarter_release(2008, 1, WHOLE)
    year_doc = _published(people, year.period)
    raw_q1 = _published(people, q1.period)
    assert year_doc["flows"]["referrals"]["total"] == {"value": 12}
    assert raw_q1["flows"]["referrals"]["total"] == {"value": 10}  # 12 - 10 = 2 people referred in May
    guarded = guard_release(raw_q1, q1, [(year, year_doc)], T)
    assert guarded["flows"]["referrals"]["total"]["suppressed"] is True
    assert all("cells" not in series for series in guarded["flows"]["referrals"]["by"].values())


def test_a_quarter_does_not_reveal_a_quarter_its_year_hides() -> None:
    # 2008 by quarter: 10, 10, 10, 2 -> the 2 is hidden, and with it one of the 10s: the quarter release of
    # that 10 must not show it, or the year's hidden 2 is 32 - 30.
    days = [date(2008, 2, 1)] * 10 + [date(2008, 5, 1)] * 10 + [date(2008, 8, 1)] * 10 + [date(2008, 11, 1)] * 2
    people = [_person(n, day) for n, day in enumerate(days)]
    year = year_release(2008, WHOLE)
    year_doc = _published(people, year.period)
    by_quarter = year_doc["flows"]["referrals"]["by"]["quarter"]["cells"]
    hidden = [q for q, cell in by_quarter.items() if cell.get("suppressed")]
    assert "2008-Q4" in hidden and len(hidden) == 2
    for quarter in range(1, 5):
        release = quarter_release(2008, quarter, WHOLE)
        guarded = guard_release(_published(people, release.period), release, [(year, year_doc)], T)
        shown = "value" in guarded["flows"]["referrals"]["total"]
        assert shown == (release.name not in hidden), release.name


def test_a_year_minus_three_quarters_cannot_recover_what_the_fourth_hides() -> None:
    # 2008, Mola di Bari: 5, 5, 5 and 2 referrals by quarter (Bari: 10 each). Each release alone is safe:
    # the year shows 17, the first three quarters 5 each, the fourth hides its 2. But 17 - 15 = 2.
    counts = {1: 5, 2: 5, 3: 5, 4: 2}
    people = []
    for quarter, mola in counts.items():
        day = date(2008, 3 * quarter - 1, 10)
        people += [Journey(person_id=f"b{quarter}-{n}", municipality="bari", referred_on=day) for n in range(10)]
        people += [Journey(person_id=f"m{quarter}-{n}", municipality="mola-di-bari", referred_on=day)
                   for n in range(mola)]  # fmt: skip
    year, quarters = year_release(2008, WHOLE), [quarter_release(2008, q, WHOLE) for q in range(1, 5)]

    def mola_di_bari(document: dict[str, Any]) -> dict[str, Any]:
        return document["flows"]["referrals"]["by"]["municipality"]

    # Published each on its own, as before: the subtraction works.
    alone = [mola_di_bari(_published(people, r.period)) for r in (year, *quarters)]
    assert alone[0]["cells"]["mola-di-bari"] == {"value": 17}
    assert [a["cells"]["mola-di-bari"].get("value") for a in alone[1:]] == [5, 5, 5, None]
    assert counts[4] == 17 - 5 - 5 - 5  # the fourth quarter hides exactly what the subtraction recovers

    # Released: no year or quarter shows a breakdown other than by time; the programme still does.
    programme = programme_release(WHOLE)
    programme_doc = guard_release(_published(people, WHOLE), programme, [], T)
    assert mola_di_bari(programme_doc)["cells"]["mola-di-bari"] == {"value": 17}
    year_doc = guard_release(_published(people, year.period), year, [(programme, programme_doc)], T)
    outers = [(programme, programme_doc), (year, year_doc)]
    for release, document in [(year, year_doc), *((q, guard_release(_published(people, q.period), q, outers, T))
                                                  for q in quarters)]:  # fmt: skip
        flow = document["flows"]["referrals"]
        assert {dim for dim, series in flow["by"].items() if "cells" in series} <= {"quarter", "month"}, release.name
        for dim in ("municipality", "district", "age_band"):
            assert flow["by"][dim] == {"withheld": "programme_level"}, (release.name, dim)
        for name, category in document["categories"].items():
            assert category["breakdown"] == {"withheld": "programme_level"}, (release.name, name)
        assert document["categories"]["hired_by_contract_type"]["total"] == {"withheld": "programme_level"}
        assert all(series == {"withheld": "programme_level"} for series in document["hosts"]["by"].values())
    assert year_doc["flows"]["referrals"]["total"] == {"value": 57}  # headlines stay
    assert "cells" in year_doc["flows"]["referrals"]["by"]["quarter"]  # and so does the breakdown by quarter


def _guarded_release(people: list[Journey], name: str, whole: Period = WHOLE) -> dict[str, Any]:
    """The indicators of one release as `Figures` publishes them (checked against its enclosing releases)."""
    release = parse_release(name, whole)
    outers: list[tuple[Any, dict[str, Any]]] = []
    for outer in enclosing(release, whole):
        outers.append((outer, guard_release(_published(people, outer.period), outer, outers, T)))
    return guard_release(_published(people, release.period), release, outers, T)


def test_a_release_does_not_show_a_month_its_quarter_and_the_other_months_give_away() -> None:
    # Referrals: February 2008 3 and March 12 (2008-Q1 15), May 10, January 2009 5, February 6, March 1 (Q1 12).
    # By month alone the 3 and the 1 hide each other (4 between them); by quarter every count is shown. But
    # 2008-Q1 = 15 is February + 12 (January has none): February's 3 came back from the two breakdowns together.
    days = ([date(2008, 2, 1)] * 3 + [date(2008, 3, 1)] * 12 + [date(2008, 5, 1)] * 10 + [date(2009, 1, 1)] * 5
            + [date(2009, 2, 1)] * 6 + [date(2009, 3, 1)])  # fmt: skip
    people = [_person(n, day) for n, day in enumerate(days)]
    raw = compute(people, [], WHOLE, dimensions(BARI), BARI.follow_up_after_months)
    total = headline(raw.flows["referrals"].total, T)
    quarters, months = (breakdown(raw.flows["referrals"].by[dim], total, T) for dim in ("quarter", "month"))
    assert quarters is not None and months is not None  # each safe alone
    assert not quarters.total or all(not cell.suppressed for cell in quarters.cells.values())
    assert months.cells["2008-02"].suppressed and months.cells["2009-03"].suppressed
    assert time_leak(total, quarters, months, T) and not time_leak(total, quarters, None, T)
    flow = _published(people, WHOLE)["flows"]["referrals"]
    assert flow["by"]["month"] == PROGRAMME_LEVEL and "cells" in flow["by"]["quarter"]


def test_a_release_does_not_show_a_breakdown_whose_hidden_cells_all_fall_in_one_year() -> None:
    # Referrals by quarter: 2007-Q4 10, 2008-Q1 2, 2008-Q2 1, 2009-Q1 10. The 2 and the 1 hide each other, but
    # 23 - 10 - 10 = 3 people referred in 2008, a count the year release itself hides.
    days = [date(2007, 12, 1)] * 10 + [date(2008, 2, 1)] * 2 + [date(2008, 5, 1)] + [date(2009, 2, 1)] * 10
    people = [_person(n, day) for n, day in enumerate(days)]
    raw = compute(people, [], WHOLE, dimensions(BARI), BARI.follow_up_after_months)
    total = headline(raw.flows["referrals"].total, T)
    quarters = breakdown(raw.flows["referrals"].by["quarter"], total, T)
    assert quarters is not None and [c.suppressed for c in quarters.cells.values()] == [False, True, True, False]
    assert time_leak(total, quarters, None, T)
    flow = _published(people, WHOLE)["flows"]["referrals"]
    assert flow["total"] == {"value": 23}
    assert flow["by"]["quarter"] == PROGRAMME_LEVEL and flow["by"]["month"] == PROGRAMME_LEVEL


def _released(people: list[Journey], names: list[str], path: tuple[str, ...]) -> dict[str, Any]:
    """One cell of each named release, as `Figures` publishes it (None: not shown)."""
    found = {}
    for name in names:
        node: Any = _guarded_release(people, name)
        for key in path:
            node = node[key]
        found[name] = node.get("value")
    return found


def _procedure(people: list[Journey], period: Period) -> dict[str, Any]:
    return {"threshold": T, "phases": publish_procedure(measure(people, period, standards(BARI)), T)}


QUARTERS_OF_2008 = ["2008-Q1", "2008-Q2", "2008-Q3", "2008-Q4"]


def test_a_year_minus_three_quarters_cannot_recover_a_headline_with_no_time_breakdown() -> None:
    days = [date(2008, 2, 1)] * 4 + [date(2008, 5, 1)] * 5 + [date(2008, 8, 1)] * 5
    people = [Journey(person_id=f"s{n}", municipality="bari", started_on=day, ever_suspended=True)
              for n, day in enumerate(days)]  # fmt: skip
    # Published alone, each release is safe, but 14 - 5 - 5 - 0 = 4, the count the first quarter hides.
    alone = {name: _published(people, parse_release(name, WHOLE).period)["at_period_end"]["ever_suspended"]
             for name in ["2008", *QUARTERS_OF_2008]}  # fmt: skip
    assert [alone[n].get("value") for n in ["2008", *QUARTERS_OF_2008]] == [14, None, 5, 5, 0]
    # Released: the count leaves only with the programme; no year or quarter shows it, even as a marker.
    shown = _released(people, ["programme", "2008", *QUARTERS_OF_2008], ("at_period_end", "ever_suspended"))
    assert shown == {"programme": 14, "2008": None, **dict.fromkeys(QUARTERS_OF_2008, None)}
    for name in ["2008", *QUARTERS_OF_2008]:
        document = _guarded_release(people, name)
        assert document["at_period_end"]["ever_suspended"] == PROGRAMME_LEVEL, name
        assert document["attendance"]["people"] == document["allowances"]["people"] == PROGRAMME_LEVEL
        assert document["allowances"]["paid_cents"] is None and document["attendance"]["attended_share_percent"] is None
        assert document["hosts"]["recruited"] == PROGRAMME_LEVEL and document["hosts"]["retained"] == PROGRAMME_LEVEL
        for category, figures in document["categories"].items():
            if category.startswith("employed_after_") or category == "hired_by_contract_type":
                assert figures["total"] == PROGRAMME_LEVEL, (name, category)
        assert document["at_period_end"]["active"] != PROGRAMME_LEVEL  # a stock on the last day, not a sum


def test_a_year_or_quarter_reports_the_procedures_cases_at_programme_level_only() -> None:
    people = [Journey(person_id=f"r{n}", referred_on=date(2008, 2, 1), accepted_on=date(2008, 2, 1 + n % 20))
              for n in range(12)]  # fmt: skip
    for release in releases(WHOLE):
        outers: list[tuple[Any, dict[str, Any]]] = []
        for outer in enclosing(release, WHOLE):
            outers.append((outer, guard_release(_procedure(people, outer.period), outer, outers, T)))
        phases = guard_release(_procedure(people, release.period), release, outers, T)["phases"]
        referral = next(p for p in phases if p["phase"] == "referral")
        if release.kind == "programme":
            assert referral["cases"] == {"value": 12} and referral["median_days"] is not None
            continue
        for phase in phases:  # a median is shown only over t cases: its presence would bound the hidden count
            assert phase["cases"] == PROGRAMME_LEVEL and phase["overruns"] == PROGRAMME_LEVEL, release.name
            assert phase["median_days"] is None and phase["p90_days"] is None and phase["bottleneck"] is False


def test_a_year_minus_three_quarters_cannot_recover_a_flow_headline_when_the_year_withholds_its_quarters() -> None:
    days = [date(2008, 2, 1)] + [date(2008, 5, 1)] * 10 + [date(2008, 8, 1)] * 10  # by quarter 1, 10, 10, 0
    people = [_person(n, day) for n, day in enumerate(days)]
    # Published alone, each release is safe, but 21 - 10 - 10 - 0 = 1, the count the first quarter hides.
    alone = [_published(people, parse_release(name, WHOLE).period)["flows"]["referrals"]["total"].get("value")
             for name in ["2008", *QUARTERS_OF_2008]]  # fmt: skip
    assert alone == [21, None, 10, 10, 0]
    assert _published(people, WHOLE)["flows"]["referrals"]["by"]["quarter"] == PROGRAMME_LEVEL  # mostly markers
    # Released: the programme's breakdowns by quarter and by month fix none of these counts, so none is shown.
    shown = _released(people, ["programme", "2008", *QUARTERS_OF_2008], ("flows", "referrals", "total"))
    assert shown == {"programme": 21, "2008": None, **dict.fromkeys(QUARTERS_OF_2008, None)}
    for name in ["2008", *QUARTERS_OF_2008]:  # not even the label "fewer than t" of the first quarter
        document = _guarded_release(people, name)
        assert document["flows"]["referrals"]["total"]["reason"] == "withheld", name
        assert all(series == PROGRAMME_LEVEL for series in document["flows"]["referrals"]["by"].values()), name


def test_a_year_or_quarter_shows_the_flow_counts_the_programme_fixes() -> None:
    # Referrals by quarter, programme 2007-11-20 .. 2009-07-31: 2008 has 10, 0, 12, 6; 2009-Q1 has 7.
    # The programme shows every quarter, so each year and quarter shows its count and its breakdowns.
    days = [date(2008, 2, 1)] * 10 + [date(2008, 8, 1)] * 12 + [date(2008, 11, 1)] * 6 + [date(2009, 2, 1)] * 7
    people = [_person(n, day) for n, day in enumerate(days)]
    programme = _guarded_release(people, "programme")["flows"]["referrals"]
    assert programme["by"]["quarter"]["cells"] == {"2008-Q1": {"value": 10}, "2008-Q3": {"value": 12},
                                                   "2008-Q4": {"value": 6}, "2009-Q1": {"value": 7}}  # fmt: skip
    names = ["2007", "2008", "2009", "2007-Q4", *QUARTERS_OF_2008, "2009-Q1", "2009-Q2", "2009-Q3"]
    shown = _released(people, names, ("flows", "referrals", "total"))
    assert shown == {"2007": 0, "2008": 28, "2009": 7, "2007-Q4": 0, "2008-Q1": 10, "2008-Q2": 0, "2008-Q3": 12,
                     "2008-Q4": 6, "2009-Q1": 7, "2009-Q2": 0, "2009-Q3": 0}  # fmt: skip
    year = _guarded_release(people, "2008")["flows"]["referrals"]["by"]
    assert year["quarter"]["cells"] == {key: cell for key, cell in programme["by"]["quarter"]["cells"].items()
                                        if key.startswith("2008")}  # fmt: skip
    assert "cells" in year["month"]


def test_the_programme_minus_its_other_years_cannot_recover_a_year_it_hides() -> None:
    # A programme over three years, 2007-07-01 .. 2009-06-30; referrals by year 2, 10, 10 (2007: 2 in 2007-Q4).
    whole = Period(date(2007, 7, 1), date(2009, 6, 30))
    days = [date(2007, 11, 1)] * 2 + [date(2008, 5, 1)] * 10 + [date(2009, 2, 1)] * 10
    people = [_person(n, day) for n, day in enumerate(days)]
    alone = [_published(people, parse_release(n, whole).period)["flows"]["referrals"]["total"].get("value")
             for n in ("programme", "2007", "2008", "2009")]  # fmt: skip
    assert alone == [22, None, 10, 10]  # 22 - 10 - 10 = 2
    released = [_guarded_release(people, name, whole)["flows"]["referrals"]["total"].get("value")
                for name in ("programme", "2007", "2008", "2009")]  # fmt: skip
    assert released[0] == 22 and None in released[2:]


# --- the API and the command line ----------------------------------------------------------------------


def history() -> list[Any]:
    """The known history, plus two people referred in May 2008: the year and its first quarter differ by 2."""
    return [*known_history(), *journey(10, date(2008, 5, 5)), *journey(11, date(2008, 5, 6))]


@pytest_asyncio.fixture
async def figures(engine: AsyncEngine) -> Figures:
    await project(engine, history())
    return Figures(engine, BARI)


@pytest_asyncio.fixture
async def client(figures: Figures) -> AsyncIterator[httpx.AsyncClient]:
    app = monitoring_app(BARI, ISSUERS)
    app.state.figures = figures
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://monitoring") as http:
        yield http


async def test_an_arbitrary_day_range_is_refused_with_422_everywhere(client: httpx.AsyncClient) -> None:
    queries = ["from=2008-01-01&to=2008-01-30", "from=2008-02-01", "to=2008-06-15", "period=2008-01",
               "period=2008-01-01", "period=2010", "period=2008&to=2008-12-31"]  # fmt: skip
    for route, query in product(ROUTES, queries):
        answer = await client.get(f"{route}?{query}", headers=token(Role.ANALYST))
        assert answer.status_code == 422, (route, query)
        body = answer.json()
        assert body["error"] == "period_not_released", body
        assert "period" in body["message"] and "period" in body["message_en"], body  # periodo, period=...


async def test_a_year_the_calendar_cannot_hold_is_refused_with_422(client: httpx.AsyncClient) -> None:
    for route, period in product(ROUTES, ["0000", "0000-Q1", "9999-Q4"]):
        answer = await client.get(f"{route}?period={period}", headers=token(Role.ANALYST))
        assert answer.status_code == 422, (route, period)
        body = answer.json()
        assert body["error"] == "period_not_released", body
        assert "0001" in body["message"] and "9998" in body["message_en"], body


async def test_year_and_quarter_releases_show_breakdowns_other_than_by_time_only_for_the_programme(
    client: httpx.AsyncClient,
) -> None:
    headers = token(Role.ANALYST)
    programme = (await client.get("/indicators?period=programme", headers=headers)).json()
    assert "cells" in programme["flows"]["referrals"]["by"]["municipality"]
    for period in ("2008", "2008-Q1"):
        release = (await client.get(f"/indicators?period={period}", headers=headers)).json()
        assert release["flows"]["referrals"]["by"]["municipality"] == {"withheld": "programme_level"}
        assert release["categories"]["outcomes"]["breakdown"] == {"withheld": "programme_level"}
        assert release["at_period_end"]["ever_suspended"] == {"withheld": "programme_level"}
        assert release["hosts"]["recruited"] == {"withheld": "programme_level"}
        csv = (await client.get(f"/exports/indicators.csv?period={period}", headers=headers)).text
        assert "flows,referrals,municipality,,,programme_level,reported at programme level only" in csv
        assert "at_period_end,ever_suspended,,total,,programme_level,reported at programme level only" in csv
        assert "hosts,retained,,total,,programme_level,reported at programme level only" in csv
        data = (await client.get(f"/exports/indicators.json?period={period}", headers=headers)).json()
        assert data["flows"]["referrals"]["by"]["age_band"] == {"withheld": "programme_level"}
        italian = (await client.get(f"/masterplan?period={period}&lang=it", headers=headers)).text
        english = (await client.get(f"/masterplan?period={period}&lang=en", headers=headers)).text
        assert "sono riportate solo a livello di" in italian and "Segnalazioni per comune" not in italian
        assert "are reported at programme level" in english and "Referrals by municipality" not in english
        assert "programme_level" not in italian and "programme_level" not in english
        assert '<span class="withheld">riportato solo a livello di programma</span>' in italian  # the headlines
        assert '<span class="withheld">reported at programme level only</span>' in english
        pdf = (await client.get(f"/masterplan?period={period}&lang=it&format=pdf", headers=headers)).content
        text = " ".join(read_back(pdf)[0].split())
        assert "sono riportate solo a livello di programma" in text and "Segnalazioni per comune" not in text
        assert "riportato solo a livello di programma" in text
    html = (await client.get("/masterplan?period=programme&lang=it", headers=headers)).text
    assert "Segnalazioni per comune" in html and "sono riportate solo a livello di" not in html


async def test_year_and_quarter_releases_are_served(client: httpx.AsyncClient) -> None:
    headers = token(Role.ANALYST)
    for route, period in product(ROUTES, ["programme", "2008", "2008-Q1", "2008-Q2", "2007", "2009-Q3"]):
        assert (await client.get(f"{route}?period={period}", headers=headers)).status_code == 200, (route, period)
    year = (await client.get("/indicators?period=2008", headers=headers)).json()
    assert year["release"] == "2008" and year["period"] == {"from": "2008-01-01", "to": "2008-12-31"}
    programme = (await client.get("/indicators?period=programme", headers=headers)).json()
    assert programme["flows"]["referrals"]["total"] == {"value": 10}
    # 8 referred in March and 2 in May: the programme withholds its breakdowns by quarter and by month, so it
    # does not fix the count of 2008 (for all a reader knows, some were referred in 2007 or 2009): withheld.
    assert programme["flows"]["referrals"]["by"]["quarter"] == {"withheld": "programme_level"}
    assert year["flows"]["referrals"]["total"] == {"suppressed": True, "reason": "withheld", "label": "withheld"}
    quarter = (await client.get("/indicators?period=2008-Q1", headers=headers)).json()
    assert quarter["period"] == {"from": "2008-01-01", "to": "2008-03-31"}
    # 8 people referred in Q1, 10 in the year: 10 - 8 = 2 would single out May's referrals, so Q1 withholds it.
    assert quarter["flows"]["referrals"]["total"]["suppressed"] is True
    # Days that are exactly a release are that release.
    same = (await client.get("/indicators?from=2008-01-01&to=2008-03-31", headers=headers)).json()
    assert same == quarter
    html = (await client.get("/masterplan?period=2008-Q1&lang=en", headers=headers)).text
    assert "2008-01-01" in html and "2008-03-31" in html


async def test_two_overlapping_arbitrary_ranges_cannot_both_be_obtained(client: httpx.AsyncClient) -> None:
    # The attack: 1-30 January and 1-31 January, subtracted, single out whoever was referred on 31 January.
    headers = token(Role.ANALYST)
    obtained = []
    for end in ("2008-03-02", "2008-03-03", "2008-01-30", "2008-01-31"):
        for route in ("/indicators", "/exports/indicators.csv", "/masterplan"):
            answer = await client.get(f"{route}?from=2008-01-01&to={end}", headers=headers)
            if answer.status_code == 200:
                obtained.append((route, end))
    assert obtained == []


def _shown(document: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], int]]:
    if isinstance(document, dict):
        if isinstance(document.get("value"), int):
            yield path, document["value"]
            return
        for key, item in document.items():
            yield from _shown(item, (*path, str(key)))
    elif isinstance(document, list):
        for i, item in enumerate(document):
            yield from _shown(item, (*path, str(i)))


async def test_no_released_figure_differs_from_one_of_a_containing_release_by_fewer_than_t(figures: Figures) -> None:
    every = list(releases(WHOLE))
    published = {}
    for release in every:
        indicators, procedure = await figures.indicators(release), await figures.procedure(release)
        published[release.name] = dict(_shown({"indicators": indicators, "procedure": procedure}))
    checked = 0
    for inner, outer in product(every, every):
        p, q = inner.period, outer.period
        if inner == outer or not (q.start <= p.start and p.end <= q.end):
            continue
        small, big = published[inner.name], published[outer.name]
        for path in small.keys() & big.keys():
            if path[-1] in ("internships", "standard_days", "threshold") or "at_period_end" in path:
                continue  # configuration, or stocks on a day (not counts of people over the period)
            checked += 1
            assert not 0 < big[path] - small[path] < T, (inner.name, outer.name, path, small[path], big[path])
    assert checked > 100


def test_the_command_writes_a_release_and_refuses_a_day_range(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANTIERE_DATABASE_URL", f"sqlite:///{tmp_path / 'monitoring.db'}")
    monkeypatch.chdir(tmp_path)
    refused = CliRunner().invoke(cli, ["masterplan", "--out", "r.html", "--from", "2008-01-01", "--to", "2008-01-31"])
    assert refused.exit_code != 0 and not (tmp_path / "r.html").exists()
    assert "arbitrary range of days" in refused.output.replace("\n", " ").replace("│", "").replace("  ", " ")
    refused = CliRunner().invoke(cli, ["masterplan", "--out", "r.html", "--period", "2008-02"])
    assert refused.exit_code != 0 and not (tmp_path / "r.html").exists()
    for args in (["--period", "2008-Q3"], ["--from", "2008-07-01", "--to", "2008-09-30"]):
        written = CliRunner().invoke(cli, ["masterplan", "--out", "r.html", *args])
        assert written.exit_code == 0, written.output
        assert "2008-07-01" in (tmp_path / "r.html").read_text(encoding="utf-8")


# --- follow-ups come from the territory ----------------------------------------------------------------


def test_follow_up_months_are_the_territorys() -> None:
    person = Journey(person_id="p1", completed_on=date(2008, 6, 1), outcome="hired", employed_after={2: True})
    raw = compute([person], [], WHOLE, dimensions(BARI), (2, 6))
    follow_ups = [name for name in raw.categories if name.startswith("employed_after_")]
    assert follow_ups == ["employed_after_2_months", "employed_after_6_months"]
    assert raw.categories["employed_after_2_months"] == {"employed": 1, "not_employed": 0}
    assert label("employed_after_2_months", "it") == "Occupati a 2 mesi"
    assert label("employed_after_1_months", "en") == "Employed after 1 month"
    assert label("employed_after_12_months", "en") == "Employed after 12 months"
