"""The disclosure properties, run against the numbers the dashboard and the open-data CSV show: over random histories,
every count they show is 0 or at least the threshold, every marker is true, and all the releases read through the
dashboard (or through the open-data files) together pin no count the programme release alone leaves open."""

from __future__ import annotations

import csv
import io
from typing import Any

from cantiere_monitoring.domain.cells import Bounds, Suppression, label_bounds
from cantiere_monitoring.domain.network import is_fixed
from cantiere_monitoring.domain.protection import UNPUBLISHED
from cantiere_monitoring.domain.releases import Release
from cantiere_monitoring.entrypoints.exports import to_open_data_csv
from cantiere_monitoring.report.panels import Panel, Words, dashboard
from hypothesis import HealthCheck, example, given, settings

from .test_release_union_properties import (
    ARCS,
    MONTHS,
    QUARTERS,
    T,
    _first_day,
    _history,
    _meet,
    _published_releases,
    _quarter,
    _read,
    _recoverable,
    monthly,
)

WORDS = Words("it")
NO_PHASES: dict[str, Any] = {"phases": []}


def _cell_bounds(cell: Any) -> Bounds:
    if isinstance(cell, str) or "withheld" in cell:
        return UNPUBLISHED
    if "value" in cell:
        return (cell["value"], cell["value"])
    return label_bounds(Suppression(cell["reason"]), T)


def _panel(panels: list[Panel], key: str) -> Panel:
    return next(p for p in panels if p.key == key)


def _read_dashboard(known: list[Bounds], release: Release, doc: dict[str, Any]) -> list[int]:
    """What a reader of the dashboard learns of the referrals from one release; the counts it shows."""
    stamped = {**doc, "period": {"from": release.period.start, "to": release.period.end}}  # as `Figures` stamps it
    panels = dashboard(stamped, NO_PHASES, {}, WORDS)
    shown = [c["value"] for p in panels for row in p.rows for c in row.cells if not isinstance(c, str) and "value" in c]
    funnel = _panel(panels, "percorso")
    _meet(known, release.name, _cell_bounds(funnel.rows[0].cells[0]))  # the referrals, first step of the path
    quarters = _panel(panels, "per-quarter")
    if "cells" in doc["flows"]["referrals"]["by"]["quarter"]:
        listed = {row.label: row.cells[0] for row in quarters.rows}
        for key in QUARTERS:
            if release.period.start <= _first_day(key) <= release.period.end:
                _meet(known, key, _cell_bounds(listed.get(key, {"value": 0})))
    return shown


def _read_csv(known: list[Bounds], release: Release, doc: dict[str, Any]) -> list[int]:
    """What a reader of the open-data CSV learns of the referrals from one release; the counts it shows."""
    rows = list(csv.DictReader(io.StringIO(to_open_data_csv(doc))))
    shown = [int(r["valore"]) for r in rows if r["valore"]]
    reason_of = {"small": Suppression.SMALL, "complementary": Suppression.COMPLEMENTARY}

    def bounds(row: dict[str, str]) -> Bounds:
        if row["valore"]:
            return (int(row["valore"]), int(row["valore"]))
        reason = reason_of.get(row["motivo_omissione"])
        return label_bounds(reason, T) if reason else UNPUBLISHED

    referrals = [r for r in rows if r["sezione"] == "flows" and r["indicatore"] == "referrals"]
    for row in referrals:
        if row["dimensione"] == "" or row["voce"] == "total":
            _meet(known, release.name, bounds(row))
    for dimension, keys in (("quarter", QUARTERS), ("month", MONTHS)):
        of_dimension = [r for r in referrals if r["dimensione"] == dimension]
        if not of_dimension or any(r["voce"] == "" for r in of_dimension):
            continue  # the whole breakdown withheld: one row without a key says so
        listed = {r["voce"]: r for r in of_dimension if r["voce"] != "total"}
        for key in keys:
            if release.period.start <= _first_day(key) <= release.period.end:
                row = listed.get(key)
                _meet(known, key, bounds(row) if row else (0, 0))
    return shown


def _known(bounds: list[Bounds]) -> set[str]:
    return _recoverable(bounds) | {name for (name, _), b in zip(ARCS, bounds, strict=True) if is_fixed(b)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(monthly)
@example([0] * 4 + [1] + [0] * 2 + [10] + [0] * 2 + [10] + [0] * 7)  # 2008 by quarter 1, 10, 10, 0
@example([0, 10, 0, 0, 2, 0, 0, 1, 0] + [0] * 6 + [0, 10, 0])  # 2008's hidden 2 and 1
def test_the_dashboard_and_the_open_data_tell_no_more_than_the_programme_release(counts: list[int]) -> None:
    published = _published_releases(_history(counts))
    alone = [UNPUBLISHED] * len(ARCS)
    through_dashboard = [UNPUBLISHED] * len(ARCS)
    through_csv = [UNPUBLISHED] * len(ARCS)
    for release, doc in published.items():
        if release.kind == "programme":
            _read(alone, release, doc)
        for shown in (_read_dashboard(through_dashboard, release, doc), _read_csv(through_csv, release, doc)):
            assert all(c == 0 or c >= T for c in shown), shown
    truth = {name: sum(c for m, c in zip(MONTHS, counts, strict=True) if name in ("programme", m, m[:4], _quarter(m)))
             for name, _ in ARCS}  # fmt: skip
    for seen in (through_dashboard, through_csv):
        for (name, _), (low, high) in zip(ARCS, seen, strict=True):  # every marker is true
            assert low <= truth[name] and (high is None or truth[name] <= high), (name, truth[name], low, high)
        assert _known(seen) <= _known(alone), sorted(_known(seen) - _known(alone))
