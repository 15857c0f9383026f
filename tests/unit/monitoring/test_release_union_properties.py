"""Property: all the releases of a programme together (programme, years, quarters) tell a reader no more about the
flows than the programme release alone, so no sum that nests across releases (a year minus its other quarters, the
programme minus its other years) recovers a count the programme release leaves open.

The union is solved exactly: every published count and label of the referrals, of every release, on one network
whose node constraints are the nested sums; a count is recoverable when no residual cycle runs through it."""

from __future__ import annotations

from datetime import date
from typing import Any

from cantiere_monitoring.domain.cells import Bounds, Suppression, label_bounds
from cantiere_monitoring.domain.indicators import compute
from cantiere_monitoring.domain.journey import Journey, Period
from cantiere_monitoring.domain.network import SINK, SOURCE, Network, feasible_point, is_fixed, pinned_arcs
from cantiere_monitoring.domain.protection import UNPUBLISHED
from cantiere_monitoring.domain.publication import publish_indicators
from cantiere_monitoring.domain.releases import Release, enclosing, guard_release, releases
from cantiere_monitoring.service_layer.figures import dimensions
from cantiere_runtime.territory import territory_by_code
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

BARI = territory_by_code("bari-pilot")
T = BARI.disclosure_threshold
WHOLE = Period(date(2007, 10, 1), date(2009, 3, 31))  # three years: 2007-Q4, the four quarters of 2008, 2009-Q1
MONTHS = [f"{y:04d}-{m:02d}" for y, m in [(2007, 10), (2007, 11), (2007, 12)] + [(2008, m) for m in range(1, 13)]
          + [(2009, 1), (2009, 2), (2009, 3)]]  # fmt: skip


def _first_day(key: str) -> date:
    """The first day of a month `YYYY-MM`, a quarter `YYYY-Qn` or a year `YYYY`."""
    if len(key) == 4:
        return date(int(key), 1, 1)
    return date(int(key[:4]), 3 * int(key[-1]) - 2 if key[5] == "Q" else int(key[5:]), 1)


def _quarter(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}"


QUARTERS = sorted({_quarter(m) for m in MONTHS})
YEARS = ["2007", "2008", "2009"]

# The union as one network: programme total (sink -> source), years (source -> year), quarters (year -> quarter),
# months (quarter -> sink). Each sum that nests is flow conservation at a node.
NODE = {name: 2 + i for i, name in enumerate(YEARS + QUARTERS)}
ARCS: list[tuple[str, tuple[int, int]]] = [("programme", (SINK, SOURCE))]
ARCS += [(y, (SOURCE, NODE[y])) for y in YEARS]
ARCS += [(q, (NODE[q[:4]], NODE[q])) for q in QUARTERS]
ARCS += [(m, (NODE[_quarter(m)], SINK)) for m in MONTHS]
NET = Network(2 + len(NODE), tuple(ends for _, ends in ARCS))
INDEX = {name: i for i, (name, _) in enumerate(ARCS)}

monthly = st.lists(st.one_of(st.just(0), st.integers(0, 6), st.integers(0, 14)), min_size=18, max_size=18)


def _history(counts: list[int]) -> list[Journey]:
    people = []
    for month, count in zip(MONTHS, counts, strict=True):
        day = date(int(month[:4]), int(month[5:]), 10)
        people += [Journey(person_id=f"{month}-{n}", municipality="bari", referred_on=day) for n in range(count)]
    return people


def _published_releases(people: list[Journey]) -> dict[Release, dict[str, Any]]:
    """Every release as `Figures` publishes it: each checked against the releases containing it, as published."""

    def publish(release: Release) -> dict[str, Any]:
        raw = compute(people, [], release.period, dimensions(BARI), BARI.follow_up_after_months)
        return publish_indicators(raw, T, BARI.target_internships, BARI.budget_cents)

    done: dict[Release, dict[str, Any]] = {}
    for release in releases(WHOLE):
        outers = [(outer, done[outer]) for outer in enclosing(release, WHOLE)]
        done[release] = guard_release(publish(release), release, outers, T)
    return done


def _bounds(cell: dict[str, Any] | None) -> Bounds:
    if cell is None or "withheld" in cell:
        return UNPUBLISHED
    if "value" in cell:
        return (cell["value"], cell["value"])
    return label_bounds(Suppression(cell["reason"]), T)


def _meet(known: list[Bounds], name: str, bounds: Bounds) -> None:
    low, high = known[INDEX[name]]
    highs = [h for h in (high, bounds[1]) if h is not None]
    known[INDEX[name]] = (max(low, bounds[0]), min(highs) if highs else None)


def _read(known: list[Bounds], release: Release, doc: dict[str, Any]) -> None:
    """What a reader learns of the referrals from one published release."""
    flow = doc["flows"]["referrals"]
    _meet(known, release.name, _bounds(flow["total"]))
    for dim, keys in (("quarter", QUARTERS), ("month", MONTHS)):
        series = flow["by"][dim]
        if "cells" not in series:
            continue
        _meet(known, release.name, _bounds(series["total"]))
        for key in keys:
            if release.period.start <= _first_day(key) <= release.period.end:  # inside the release: unlisted is 0
                _meet(known, key, _bounds(series["cells"].get(key, {"value": 0})))


def _recoverable(known: list[Bounds]) -> set[str]:
    return {ARCS[arc][0] for arc in pinned_arcs(NET, known, feasible_point(NET, known))}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(monthly)
@example([0] * 4 + [1] + [0] * 2 + [10] + [0] * 2 + [10] + [0] * 7)  # 2008 by quarter 1, 10, 10, 0
@example([0, 2, 0] + [0] * 3 + [10] + [0] * 8 + [10, 0, 0])  # by year 2, 10, 10: the programme minus two years
@example([0, 10, 0, 0, 2, 0, 0, 1, 0] + [0] * 6 + [0, 10, 0])  # 2008's hidden 2 and 1: 23 - 10 - 10 = 3 in 2008
@example([0] * 4 + [3, 12, 0, 10, 0] + [0] * 6 + [5, 6, 1])  # 2008-Q1 15 = February's hidden 3 + March's 12
def test_the_releases_together_tell_no_more_about_the_flows_than_the_programme(counts: list[int]) -> None:
    published = _published_releases(_history(counts))
    everything = [UNPUBLISHED] * len(ARCS)
    alone = [UNPUBLISHED] * len(ARCS)
    for release, doc in published.items():
        _read(everything, release, doc)
        if release.kind == "programme":
            _read(alone, release, doc)
    truth = {name: sum(c for m, c in zip(MONTHS, counts, strict=True) if name in ("programme", m, m[:4], _quarter(m)))
             for name, _ in ARCS}  # fmt: skip
    for (name, _), (low, high) in zip(ARCS, everything, strict=True):  # every label is true
        assert low <= truth[name] and (high is None or truth[name] <= high), (name, truth[name], low, high)
    # Every count the releases together show or pin, the programme release alone shows or pins (so neither a year
    # minus its other quarters nor the programme minus its other years recovers anything), and of every other
    # count they tell exactly what the programme's labels tell (no year's or quarter's "fewer than t" either).
    known_alone = _recoverable(alone) | {
        name for (name, _), bounds in zip(ARCS, alone, strict=True) if is_fixed(bounds)
    }
    known = _recoverable(everything) | {
        name for (name, _), bounds in zip(ARCS, everything, strict=True) if is_fixed(bounds)
    }
    assert known <= known_alone, sorted(known - known_alone)
    # Nor does the programme release itself give away a count from 1 to t-1 (of a month, a quarter, a year) or a
    # count hidden as "t or more": its breakdowns by quarter and by month are audited together, summed by year.
    for name in _recoverable(everything):
        assert not 0 < truth[name] < T, (name, truth[name])
        assert everything[INDEX[name]] != (T, None), (name, truth[name])
    for (name, _), union, programme in zip(ARCS, everything, alone, strict=True):
        assert name in known_alone or union == programme, (name, union, programme)
