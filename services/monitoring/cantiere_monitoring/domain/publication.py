"""What may leave the service: every figure after small-cell and secondary suppression (pure).

A headline count is shown when it is 0 or at least the threshold. A breakdown is published
only under a shown headline, only when it is not mostly markers (`report_level`), and only
when, with the headline as its known total, no withheld cell can be recomputed; a flow's
breakdowns by month and by quarter also only when, read together and summed by year, they let no
withheld cell, and no year or quarter count from 1 to t-1, be recomputed (`time_leak`). Rates, sums
and durations are shown only when at least `threshold` people stand behind them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cantiere_monitoring.domain.cells import Bounds, Cell, suppression_for
from cantiere_monitoring.domain.disclosure import (
    ReportLevel,
    SuppressedSeries,
    recomputable_cells,
    report_level,
    suppress_series,
)
from cantiere_monitoring.domain.indicators import NO_AMBITO, RawIndicators
from cantiere_monitoring.domain.network import SINK, SOURCE, Network, feasible_point, pinned_arcs
from cantiere_monitoring.domain.procedure import PhaseDurations
from cantiere_monitoring.domain.protection import UNPUBLISHED
from cantiere_monitoring.domain.statistics import median, overrun_count, percentile_90

PROGRAMME_LEVEL = {"withheld": "programme_level"}


def headline(count: int, threshold: int) -> Cell:
    """A count on its own: shown when 0 or at least the threshold, else "fewer than t"."""
    if count == 0 or count >= threshold:
        return Cell.shown(count, threshold)
    return Cell.hidden(suppression_for(count, threshold), threshold)


def breakdown(counts: Mapping[str, int], total: Cell, threshold: int) -> SuppressedSeries | None:
    """A breakdown under a published total, or None when it must stay at programme level."""
    if total.suppressed or total.value == 0 or sum(counts.values()) != total.value:
        return None
    if report_level(counts, threshold) is ReportLevel.PROGRAMME:
        return None
    series = suppress_series(counts, threshold)
    if series.total != total:
        series = series.model_copy(update={"total": total})
    return None if recomputable_cells(series) else series


def _series(counts: Mapping[str, int], total: Cell, threshold: int) -> dict[str, Any]:
    series = breakdown(counts, total, threshold)
    return series.to_dict() if series else PROGRAMME_LEVEL


def _quarter_of_month(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}"


def time_leak(total: Cell, quarters: SuppressedSeries | None, months: SuppressedSeries | None, threshold: int) -> bool:
    """Whether a flow's breakdowns by quarter and by month, read together and summed by year, give a count away.

    Each breakdown is audited alone against the headline, but a quarter is the sum of its months and a
    year the sum of its quarters: a month one breakdown hides can be a quarter the other shows minus its
    other, shown, months; and the cells a breakdown hides always add up to its total minus the shown
    ones, so if they all fall in one year (or one quarter) that year's count is known. So the headline,
    the years and quarters as subtotals and the published cells are one network (total -> years ->
    quarters -> months; keys a published series does not list are 0), audited with the residual-cycle
    test: it gives a count away if it pins a hidden cell, or a year or quarter it does not publish to
    1..t-1.
    """
    if quarters is None and months is None:
        return False
    month_keys = list(months.cells) if months else []
    quarter_keys = sorted(set(quarters.cells if quarters else ()) | {_quarter_of_month(m) for m in month_keys})
    year_keys = sorted({quarter[:4] for quarter in quarter_keys})
    node = {key: 2 + i for i, key in enumerate(year_keys + quarter_keys)}
    arcs: list[tuple[tuple[int, int], Bounds, bool]] = [((SINK, SOURCE), total.bounds(), True)]  # ends, known, shown
    arcs += [((SOURCE, node[year]), UNPUBLISHED, False) for year in year_keys]
    for quarter in quarter_keys:
        cell = quarters.cells.get(quarter) if quarters else None
        known = UNPUBLISHED if quarters is None else cell.bounds() if cell else (0, 0)
        arcs.append(((node[quarter[:4]], node[quarter]), known, quarters is not None))
    if months is None:
        arcs += [((node[quarter], SINK), UNPUBLISHED, False) for quarter in quarter_keys]
    else:
        arcs += [((node[_quarter_of_month(m)], SINK), cell.bounds(), True) for m, cell in months.cells.items()]
    net = Network(2 + len(node), tuple(ends for ends, _, _ in arcs))
    bounds = [known for _, known, _ in arcs]
    point = feasible_point(net, bounds)
    return any(arcs[arc][2] or 0 < point[arc] < threshold for arc in pinned_arcs(net, bounds, point))


def nested_leak(
    total: Cell,
    coarse: SuppressedSeries | None,
    fine: SuppressedSeries | None,
    parent_of: Callable[[str], str],
) -> bool:
    """Whether a breakdown and a finer one nested in it (municipalities within ambiti) give a count away.

    Each is audited alone against the headline, but an ambito is the sum of its municipalities: a
    municipality one hides can be its ambito, shown by the other, minus its other, shown, members. So the
    headline, the coarse cells and the fine cells are one network (total -> ambiti -> municipalities; a key a
    published series does not list is 0), audited with the residual-cycle test: it gives a count away if
    any hidden cell is pinned.
    """
    if coarse is None or fine is None:
        return False
    parents = sorted(set(coarse.cells) | {parent_of(key) for key in fine.cells})
    node = {key: 2 + i for i, key in enumerate(parents)}
    arcs: list[tuple[tuple[int, int], Bounds]] = [((SINK, SOURCE), total.bounds())]
    for key in parents:
        cell = coarse.cells.get(key)
        arcs.append(((SOURCE, node[key]), cell.bounds() if cell else (0, 0)))
    arcs += [((node[parent_of(key)], SINK), cell.bounds()) for key, cell in fine.cells.items()]
    net = Network(2 + len(node), tuple(ends for ends, _ in arcs))
    bounds = [known for _, known in arcs]
    return bool(pinned_arcs(net, bounds, feasible_point(net, bounds)))


def flow_breakdowns(
    by: Mapping[str, Mapping[str, int]], total: Cell, threshold: int, ambito_of: Mapping[str, str]
) -> dict[str, Any]:
    """A flow's breakdowns; those by month, then by quarter, withheld while together they give a count away,
    and the one by ambito while, read with the one by municipality, it does."""
    series = {dim: breakdown(counts, total, threshold) for dim, counts in by.items()}
    if time_leak(total, series.get("quarter"), series.get("month"), threshold):
        series.update(dict.fromkeys(series.keys() & {"month"}))
        if time_leak(total, series.get("quarter"), None, threshold):
            series.update(dict.fromkeys(series.keys() & {"quarter"}))

    def parent(municipality: str) -> str:
        return ambito_of.get(municipality, NO_AMBITO)

    if nested_leak(total, series.get("ambito"), series.get("municipality"), parent):
        series.update(dict.fromkeys(series.keys() & {"ambito"}))
    return {dim: s.to_dict() if s else PROGRAMME_LEVEL for dim, s in series.items()}


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def publish_indicators(raw: RawIndicators, threshold: int, target: int, budget_cents: int) -> dict[str, Any]:
    """The indicators as they may be shown: JSON-ready, every count 0 or at least the threshold."""
    flows = {}
    for name, flow in raw.flows.items():
        total = headline(flow.total, threshold)
        flows[name] = {
            "total": total.to_dict(),
            "by": flow_breakdowns(flow.by, total, threshold, raw.ambito_of),
        }
    categories: dict[str, Any] = {}
    totals = {
        "interruptions_by_reason": raw.flows["interruptions"].total,
        "outcomes": raw.flows["completions"].total,
        "declines_by_reason": raw.flows["declines"].total,
    }
    for name, counts in raw.categories.items():
        if name == "hired_by_contract_type":
            continue
        total = headline(totals.get(name, sum(counts.values())), threshold)
        categories[name] = {"total": total.to_dict(), "breakdown": _series(counts, total, threshold)}
    # The hired count is the "hired" cell of the outcomes: its split is shown only under that cell, if shown.
    hired = categories["outcomes"]["breakdown"].get("cells", {}).get("hired", {})
    hired_total = Cell.shown(hired["value"], threshold) if "value" in hired else None
    categories["hired_by_contract_type"] = {
        "total": hired_total.to_dict() if hired_total else PROGRAMME_LEVEL,
        "breakdown": _series(raw.categories["hired_by_contract_type"], hired_total, threshold)
        if hired_total
        else PROGRAMME_LEVEL,
    }
    starts = headline(raw.flows["starts"].total, threshold)
    enough_attending = raw.attendance_people >= threshold
    enough_paid = raw.allowance_people >= threshold
    recruited = headline(raw.hosts_recruited, threshold)
    return {
        "threshold": threshold,
        "flows": flows,
        "categories": categories,
        "at_period_end": {
            "active": headline(raw.active_at_end, threshold).to_dict(),
            "suspended": headline(raw.suspended_at_end, threshold).to_dict(),
            "ever_suspended": headline(raw.ever_suspended, threshold).to_dict(),
        },
        "target": {
            "internships": target,
            "starts": starts.to_dict(),
            "share_percent": _share(starts.value, target) if starts.value is not None else None,
        },
        "attendance": {
            "people": headline(raw.attendance_people, threshold).to_dict(),
            "attended_share_percent": _share(raw.attended_centihours, raw.planned_centihours)
            if enough_attending
            else None,
        },
        "allowances": {
            "people": headline(raw.allowance_people, threshold).to_dict(),
            "paid_cents": raw.allowance_paid_cents if enough_paid else None,
            "budget_cents": budget_cents,
            "share_of_budget_percent": _share(raw.allowance_paid_cents, budget_cents) if enough_paid else None,
        },
        "hosts": {
            "recruited": recruited.to_dict(),
            "retained": headline(raw.hosts_retained, threshold).to_dict(),
            "by": {dim: _series(c, recruited, threshold) for dim, c in raw.hosts_by.items()},
        },
    }


def publish_procedure(phases: list[PhaseDurations], threshold: int) -> list[dict[str, Any]]:
    """Each phase with its standard, measured median and p90, and overruns: counted, suppressed, never named."""
    published = []
    for phase in phases:
        cases = headline(len(phase.durations), threshold)
        enough = len(phase.durations) >= threshold
        med = median(phase.durations, threshold)
        published.append({
            "phase": phase.phase,
            "standard_days": phase.standard_days,
            "cases": cases.to_dict(),
            "median_days": med,
            "p90_days": percentile_90(phase.durations, threshold),
            "overruns": overrun_count(phase.durations, phase.standard_days, threshold).to_dict() if enough
            else headline(0, threshold).to_dict() if not phase.durations else PROGRAMME_LEVEL,
            "bottleneck": med is not None and med > phase.standard_days,
        })  # fmt: skip
    return published
