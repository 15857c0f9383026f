"""Fixed releases: figures leave monitoring only for the programme, a calendar year or a calendar quarter (pure).

Any day range would let a reader subtract two overlapping releases (1-30 January from 1-31 January)
and single out the people of the days in between, whatever each release suppresses. So the periods
are fixed: ``programme`` (the whole programme period, the default), a year (``2008``) or a quarter
(``2008-Q3``), each clipped to the programme period. Anything else is refused.

Fixed periods still nest (a quarter lies in its year, a year in the programme), and a year is the
sum of its quarters, the programme the sum of its years. So (`guard_release`):

1. the breakdowns other than by time (municipality, district, age band, sector, the categories,
   host sites) and the headlines that have no breakdown by time (people ever suspended, with
   attendance or allowances, hosts, the follow-ups' totals, the procedure's cases and overruns)
   leave only with the programme release; a year or quarter release marks them withheld at
   programme level (`programme_only`). Else a year's count minus three of its quarters' would
   recover a count the fourth quarter hides (or the programme minus its other years), which no
   check of one release against another can see;
2. a count shown both in a year or quarter release and in a release containing it, whose difference
   would be 1..t-1, is withheld in the smaller release;
3. a flow's headline and its breakdowns by quarter and by month are kept in a year or quarter release
   only where the time breakdowns of a release containing it already fix them (`fixed_flows`): so
   every year and quarter tells nothing about the flows that the programme release does not, and no
   combination of releases (years minus quarters, the programme minus years) can pin a hidden count.

What this does not cover is stated in `domain/disclosure.py` and in the service README.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from cantiere_runtime.errors import Unprocessable

from cantiere_monitoring.domain.cells import Bounds, Cell, Suppression, label_bounds
from cantiere_monitoring.domain.indicators import quarter_of
from cantiere_monitoring.domain.journey import Period
from cantiere_monitoring.domain.network import SINK, SOURCE, Network, feasible_point, is_pinned
from cantiere_monitoring.domain.protection import UNPUBLISHED

PROGRAMME = "programme"
Kind = Literal["programme", "year", "quarter"]
PROGRAMME_LEVEL = {"withheld": "programme_level"}
TIME_DIMENSIONS = ("quarter", "month")
_YEAR = re.compile(r"(\d{4})")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")
FIRST_YEAR, LAST_YEAR = 1, 9998
FORMS_IT = "period=programme (tutto il programma), un anno (es. 2008) o un trimestre (es. 2008-Q3)"
FORMS_EN = "period=programme (the whole programme), a year (e.g. 2008) or a quarter (e.g. 2008-Q3)"


class ReleaseRefused(Unprocessable):
    """The figures are not released for the period asked for."""

    code = "period_not_released"


@dataclass(frozen=True)
class Release:
    """One fixed release: its name (`programme`, `2008`, `2008-Q3`) and its days, clipped to the programme."""

    name: str
    kind: Kind
    period: Period


def _quarter_days(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def _clipped(name: str, kind: Kind, first: date, last: date, whole: Period) -> Release:
    start, end = max(first, whole.start), min(last, whole.end)
    if start > end:
        raise ReleaseRefused(
            f"Il periodo {name} è fuori dal periodo del programma ({whole.start} - {whole.end}).",
            f"The period {name} is outside the programme period ({whole.start} - {whole.end}).",
        )
    return Release(name, kind, Period(start, end))


def programme_release(whole: Period) -> Release:
    """The whole programme period."""
    return Release(PROGRAMME, "programme", whole)


def year_release(year: int, whole: Period) -> Release:
    """A calendar year, clipped to the programme period."""
    return _clipped(f"{year:04d}", "year", date(year, 1, 1), date(year, 12, 31), whole)


def quarter_release(year: int, quarter: int, whole: Period) -> Release:
    """A calendar quarter, clipped to the programme period."""
    return _clipped(f"{year:04d}-Q{quarter}", "quarter", *_quarter_days(year, quarter), whole)


def _year(text: str, digits: str) -> int:
    year = int(digits)
    if not FIRST_YEAR <= year <= LAST_YEAR:  # the calendar cannot hold year 0, nor the day after 9999-12-31
        raise ReleaseRefused(
            f"Il periodo {text!r} non è pubblicato: l'anno deve essere tra {FIRST_YEAR:04d} e {LAST_YEAR}. "
            f"Usare {FORMS_IT}.",
            f"The period {text!r} is not released: the year must be between {FIRST_YEAR:04d} and {LAST_YEAR}. "
            f"Use {FORMS_EN}.",
        )
    return year


def parse_release(spec: str | None, whole: Period) -> Release:
    """The release a `period` parameter names: `programme` (default), `YYYY` or `YYYY-Qn`; else refused."""
    text = (spec or PROGRAMME).strip()
    if text.lower() == PROGRAMME:
        return programme_release(whole)
    if year := _YEAR.fullmatch(text):
        return year_release(_year(text, year[1]), whole)
    if quarter := _QUARTER.fullmatch(text):
        return quarter_release(_year(text, quarter[1]), int(quarter[2]), whole)
    raise ReleaseRefused(
        f"Il periodo {text!r} non è pubblicato. I dati escono solo per periodi fissi: {FORMS_IT}.",
        f"The period {text!r} is not released. Figures are released only for fixed periods: {FORMS_EN}.",
    )


def releases(whole: Period) -> Iterator[Release]:
    """Every release of the programme: the programme, then each year and each quarter it touches."""
    yield programme_release(whole)
    for year in range(whole.start.year, whole.end.year + 1):
        yield year_release(year, whole)
    for year in range(whole.start.year, whole.end.year + 1):
        for quarter in range(1, 5):
            first, last = _quarter_days(year, quarter)
            if first <= whole.end and last >= whole.start:
                yield quarter_release(year, quarter, whole)


def release_for_days(start: date | None, end: date | None, whole: Period) -> Release:
    """The release whose days are exactly `start`..`end` (missing ends: the programme's); any other range is refused."""
    first, last = start or whole.start, end or whole.end
    for release in releases(whole):
        calendar = (release.period.start, release.period.end)
        if release.kind == "year":
            calendar = (date(int(release.name), 1, 1), date(int(release.name), 12, 31))
        elif release.kind == "quarter":
            calendar = _quarter_days(int(release.name[:4]), int(release.name[-1]))
        if (first, last) in ((release.period.start, release.period.end), calendar):
            return release
    raise ReleaseRefused(
        f"I dati non escono per un intervallo di giorni qualsiasi ({first} - {last}): confrontando due "
        f"intervalli si potrebbero riconoscere singole persone. Usare {FORMS_IT}.",
        f"Figures are not released for an arbitrary range of days ({first} - {last}): comparing two ranges "
        f"could single out individual people. Use {FORMS_EN}.",
    )


def choose_release(spec: str | None, start: date | None, end: date | None, whole: Period) -> Release:
    """The release a request names, by `period` or by the exact days of one; refused if both or neither fit."""
    if spec is not None and (start is not None or end is not None):
        raise ReleaseRefused(
            f"Indicare il periodo oppure le date (from/to), non entrambi. Usare {FORMS_IT}.",
            f"Give either the period or dates (from/to), not both. Use {FORMS_EN}.",
        )
    if start is not None or end is not None:
        return release_for_days(start, end, whole)
    return parse_release(spec, whole)


def enclosing(release: Release, whole: Period) -> list[Release]:
    """The releases that contain this one, largest first (those with the very same days left out)."""
    chain = [programme_release(whole)]
    if release.kind == "quarter":
        chain.append(year_release(int(release.name[:4]), whole))
    return [r for r in chain if r.kind != release.kind and r.period != release.period]


# --- the check against enclosing releases -------------------------------------------------------------

Path = tuple[str, ...]


def _cells(doc: Any, path: Path = ()) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every published cell of a document, shown or hidden, with its path."""
    if isinstance(doc, dict):
        if isinstance(doc.get("value"), int) or doc.get("suppressed") is True:
            yield path, doc
            return
        for key, item in doc.items():
            yield from _cells(item, (*path, str(key)))
    elif isinstance(doc, list):
        for i, item in enumerate(doc):
            yield from _cells(item, (*path, str(i)))


def _bounds(cell: Mapping[str, Any] | None, threshold: int) -> Bounds:
    if cell is None:
        return UNPUBLISHED
    if isinstance(cell.get("value"), int):
        return (cell["value"], cell["value"])
    return label_bounds(Suppression(cell["reason"]), threshold)


def _get(doc: Any, path: Path) -> Any:
    for key in path:
        doc = doc[int(key)] if isinstance(doc, list) else doc[key]
    return doc


def _set(doc: Any, path: Path, value: Any) -> None:
    parent = _get(doc, path[:-1])
    if isinstance(parent, list):
        parent[int(path[-1])] = value
    else:
        parent[path[-1]] = value


_TWINS: dict[Path, Path] = {
    ("flows", "starts", "total"): ("target", "starts"),
    ("flows", "completions", "total"): ("categories", "outcomes", "total"),
    ("flows", "declines", "total"): ("categories", "declines_by_reason", "total"),
    ("flows", "interruptions", "total"): ("categories", "interruptions_by_reason", "total"),
}
"""Headlines published twice in one document (the same count in two places)."""
_TWINS.update({twin: path for path, twin in list(_TWINS.items())})


def _shown(doc: Any, path: Path) -> bool:
    try:
        return isinstance(_get(doc, path).get("value"), int)
    except (KeyError, IndexError, TypeError, AttributeError):
        return False


def _published(doc: Any, path: Path) -> bool:
    """Whether the document publishes a cell at `path`, shown or hidden."""
    try:
        cell = _get(doc, path)
    except (KeyError, IndexError, TypeError):
        return False
    return isinstance(cell, dict) and ("value" in cell or cell.get("suppressed") is True)


def _withhold_headline(doc: dict[str, Any], path: Path, threshold: int) -> None:
    """Withhold a headline count and everything published under it or computed from it."""
    withheld = Cell.hidden(Suppression.WITHHELD, threshold).to_dict()
    _set(doc, path, withheld)
    twin = _TWINS.get(path)
    if twin is not None and _published(doc, twin) and _get(doc, twin) != withheld:  # a label would tell too
        _withhold_headline(doc, twin, threshold)
    head = path[0]
    if head == "flows":
        flow = doc["flows"][path[1]]
        flow["by"] = dict.fromkeys(flow["by"], PROGRAMME_LEVEL)
    elif head == "categories":
        doc["categories"][path[1]]["breakdown"] = PROGRAMME_LEVEL
        if path[1] == "outcomes":
            doc["categories"]["hired_by_contract_type"] = {"total": PROGRAMME_LEVEL, "breakdown": PROGRAMME_LEVEL}
    elif path == ("target", "starts"):
        doc["target"]["share_percent"] = None
    elif path == ("attendance", "people"):
        doc["attendance"]["attended_share_percent"] = None
    elif path == ("allowances", "people"):
        doc["allowances"].update(paid_cents=None, share_of_budget_percent=None)
    elif path == ("hosts", "recruited"):
        doc["hosts"]["by"] = dict.fromkeys(doc["hosts"]["by"], PROGRAMME_LEVEL)
    elif head == "phases" and path[-1] == "cases":
        phase = doc["phases"][int(path[1])]
        phase.update(median_days=None, p90_days=None, overruns=PROGRAMME_LEVEL, bottleneck=False)


def _withhold(doc: dict[str, Any], path: Path, threshold: int) -> None:
    """Withhold one shown cell: its whole breakdown if it is in one, else the headline and all under it."""
    for cut in range(len(path) - 1, 0, -1):
        node = _get(doc, path[:cut])
        if isinstance(node, dict) and "cells" in node and "threshold" in node:
            _set(doc, path[:cut], PROGRAMME_LEVEL)
            if path[:cut] == ("categories", "outcomes", "breakdown"):
                doc["categories"]["hired_by_contract_type"] = {"total": PROGRAMME_LEVEL, "breakdown": PROGRAMME_LEVEL}
            return
    _withhold_headline(doc, path, threshold)


def _meet(a: Bounds, b: Bounds) -> Bounds:
    """What a reader knows of a count from two releases that both print it."""
    highs = [h for h in (a[1], b[1]) if h is not None]
    return (max(a[0], b[0]), min(highs) if highs else None)


def _fixed_by(series: Mapping[str, Any], total: Bounds, inside: set[str], threshold: int) -> int | None:
    """The count over the keys `inside`, if a published time breakdown and its total fix it; else None.

    The breakdown's cells inside add up to that count: one series with an unpublished subtotal, a network
    like any other table; the count is fixed when the subtotal's arc is shown or pinned (no residual
    cycle through it), as the audit decides for a hidden cell. Keys the series does not list are 0.
    """
    if "cells" not in series:
        return None
    keys = list(series["cells"])
    ends = (*(((2, SINK) if k in inside else (SOURCE, SINK)) for k in keys), (SOURCE, 2), (SINK, SOURCE))
    net = Network(3, ends)
    bounds = [_bounds(series["cells"][k], threshold) for k in keys]
    bounds += [UNPUBLISHED, _meet(total, _bounds(series.get("total"), threshold))]
    point = feasible_point(net, bounds)
    return point[len(keys)] if is_pinned(net, bounds, point, len(keys)) else None


def _fixed(references: Sequence[Mapping[str, Any]], quarters: set[str] | None, months: set[str],
           threshold: int) -> int | None:  # fmt: skip
    """A flow's count over some quarters (None: not whole quarters) and months, if an enclosing release fixes it."""
    for flow in references:
        total = _bounds(flow["total"], threshold)
        for dim, inside in (("quarter", quarters), ("month", months)):
            if (
                inside is not None
                and (value := _fixed_by(flow["by"].get(dim, {}), total, inside, threshold)) is not None
            ):
                return value
    return None


def _agrees(cell: Mapping[str, Any] | None, value: int | None, threshold: int) -> bool:
    """Whether a published cell (None: unlisted, so 0) tells no more than a count already fixed elsewhere."""
    if value is None:
        return False
    low, high = _bounds(cell if cell is not None else {"value": 0}, threshold)
    return low <= value and (high is None or value <= high)


def _months_of(quarter: str, months: set[str]) -> set[str]:
    year, q = quarter[:4], int(quarter[-1])
    return {f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)} & months


def fixed_flows(doc: dict[str, Any], release: Release, references: Sequence[Mapping[str, Any]],
                threshold: int) -> None:  # fmt: skip
    """Keep a year's or quarter's flow figures only where an enclosing release already fixes them.

    The rule, for each flow of a year or quarter release: its headline is shown (or labelled) only if the
    breakdown by quarter or by month of a release containing it, with that release's total, fixes the
    count (every cell inside shown, or the inside cells pinned as a subtotal: `_fixed_by`); else it reads
    "withheld", whatever it read before, so its label tells nothing either. Its breakdown by quarter or by
    month is kept only if every cell of it, the zeros it implies by not listing a key included, is fixed
    the same way and agrees with its own label; else the breakdown is withheld as a whole.

    Why it is safe: the programme release is published and audited on its own. A year is checked against
    the programme, a quarter against the programme and its year, each as published: by induction every
    flow figure a year or quarter release keeps is a function of what the programme release publishes,
    and every label it keeps is true of that function's value. So the union of all releases tells a
    reader nothing about the flows that the programme release alone does not: no sum that nests (a year
    minus three of its quarters, the programme minus its other years, several years and quarters at
    once) can pin a count the programme release leaves open. It over-withholds (a count the union would
    leave open is withheld if the enclosing breakdowns do not fix it); that is the price of a rule each
    release can check alone, without the releases beside it.
    """
    if release.kind == "programme" or not references:
        return
    quarters, months = _quarters(release.period), _months(release.period)
    for name, flow in doc.get("flows", {}).items():
        flows = [reference["flows"][name] for reference in references]
        if not _agrees(flow["total"], _fixed(flows, quarters, months, threshold), threshold):
            _withhold_headline(doc, ("flows", name, "total"), threshold)
            continue
        for dim in TIME_DIMENSIONS:
            series = flow["by"].get(dim, {})
            if "cells" not in series:
                continue
            keys = quarters if dim == "quarter" else months
            fixed = {key: _fixed(flows, {key}, _months_of(key, months), threshold) if dim == "quarter"
                     else _fixed(flows, None, {key}, threshold) for key in keys}  # fmt: skip
            if not all(_agrees(series["cells"].get(key), fixed[key], threshold) for key in keys):
                flow["by"][dim] = _programme_level()


def _quarters(period: Period) -> set[str]:
    return {quarter_of(date(y, m, 1)) for y in range(period.start.year, period.end.year + 1) for m in (1, 4, 7, 10)
            if date(y, m, 1) <= period.end and _quarter_days(y, (m + 2) // 3)[1] >= period.start}  # fmt: skip


def _months(period: Period) -> set[str]:
    months = set()
    y, m = period.start.year, period.start.month
    while (y, m) <= (period.end.year, period.end.month):
        months.add(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _programme_level() -> dict[str, str]:
    return dict(PROGRAMME_LEVEL)


TIMED_CATEGORIES = ("outcomes", "declines_by_reason", "interruptions_by_reason")
"""Categories whose total is a flow's headline (completions, declines, interruptions), broken down by time there."""


def _untimed_headlines(doc: dict[str, Any]) -> None:
    """Every headline with no breakdown by time withheld at programme level, with what is computed from it."""
    if "at_period_end" in doc:
        doc["at_period_end"]["ever_suspended"] = _programme_level()  # active, suspended: stocks on the last day
    if "attendance" in doc:
        doc["attendance"].update(people=_programme_level(), attended_share_percent=None)
    if "allowances" in doc:
        doc["allowances"].update(people=_programme_level(), paid_cents=None, share_of_budget_percent=None)
    if "hosts" in doc:
        doc["hosts"].update(recruited=_programme_level(), retained=_programme_level())
    for name, category in doc.get("categories", {}).items():
        if name not in TIMED_CATEGORIES:  # the follow-ups, the hired by contract type
            category["total"] = _programme_level()
    for phase in doc.get("phases", []):
        phase.update(cases=_programme_level(), overruns=_programme_level(), median_days=None, p90_days=None,
                     bottleneck=False)  # fmt: skip


def programme_only(doc: dict[str, Any], release: Release) -> dict[str, Any]:
    """In a year or quarter release, everything not broken down by time withheld at programme level.

    A year is the sum of its quarters and the programme the sum of its years. So the breakdowns other
    than by time, published for every period, would let a reader subtract several releases at once (a
    year minus three of its quarters) and recover a count the remaining one hides; and so would the
    headlines that have no breakdown by time, which no release's figures tie to its neighbours' (people
    ever suspended, with attendance or with allowances, hosts recruited and retained, the follow-ups'
    and contract types' totals, the procedure's cases and overruns): 14 ever suspended in 2008 and 5, 5
    and 0 in its last three quarters give the hidden first quarter's 4. What is computed from those
    headlines goes with them: the attendance share, the allowances paid and their share of the budget,
    the phases' median and 90th percentile and the bottleneck flag (each is shown only over at least
    t people, so its mere presence would bound the hidden count; sums are additive like counts).
    The flows' headlines and their breakdowns by month and by quarter stay, for `guard_release` to
    check against the enclosing releases; so do the stocks on the period's last day (active,
    suspended), which are not sums over the quarters.
    """
    if release.kind == "programme":
        return doc
    _untimed_headlines(doc)
    for flow in doc.get("flows", {}).values():
        by = flow["by"]
        flow["by"] = {dim: by[dim] if dim in TIME_DIMENSIONS else _programme_level() for dim in by}
    for name, category in doc.get("categories", {}).items():
        category["breakdown"] = _programme_level()
        if name == "hired_by_contract_type":  # its total is a cell of the outcomes' breakdown
            category["total"] = _programme_level()
    if "hosts" in doc:
        doc["hosts"]["by"] = {dim: _programme_level() for dim in doc["hosts"]["by"]}
    return doc


def guard_release(doc: dict[str, Any], release: Release, outers: Sequence[tuple[Release, Mapping[str, Any]]],
                  threshold: int) -> dict[str, Any]:  # fmt: skip
    """A published document of `release`, with what would combine with the enclosing releases into a small count
    withheld (indicators or procedure; each outer document already as published, and checked by this function
    against its own enclosing releases, as `Figures` does). In a year or quarter release what has no breakdown by
    time is withheld at programme level first (`programme_only`), then the counts differing by 1..t-1 from an
    enclosing release's, then the flows' figures no enclosing release fixes (`fixed_flows`)."""
    programme_only(doc, release)
    for outer_release, outer in outers:
        if not outer_release.period.start <= release.period.start <= release.period.end <= outer_release.period.end:
            raise ValueError(f"{outer_release.name} does not contain {release.name}")
        shown_outside = {p: c["value"] for p, c in _cells(outer) if isinstance(c.get("value"), int)}
        for path, cell in list(_cells(doc)):
            value = cell.get("value")
            differs = isinstance(value, int) and path in shown_outside and 0 < shown_outside[path] - value < threshold
            if differs and _shown(doc, path):  # not withheld meanwhile by an earlier cell
                _withhold(doc, path, threshold)
    fixed_flows(doc, release, [outer for _, outer in outers], threshold)
    return doc
