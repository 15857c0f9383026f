"""What may leave the service: every figure after small-cell and secondary suppression (pure).

A headline count is shown when it is 0 or at least the threshold. A breakdown is published
only under a shown headline, only when it is not mostly markers (`report_level`), and only
when, with the headline as its known total, no withheld cell can be recomputed. Rates, sums
and durations are shown only when at least `threshold` people stand behind them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cantiere_monitoring.domain.cells import Cell, suppression_for
from cantiere_monitoring.domain.disclosure import (
    ReportLevel,
    SuppressedSeries,
    recomputable_cells,
    report_level,
    suppress_series,
)
from cantiere_monitoring.domain.indicators import RawIndicators
from cantiere_monitoring.domain.procedure import PhaseDurations
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


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def publish_indicators(raw: RawIndicators, threshold: int, target: int, budget_cents: int) -> dict[str, Any]:
    """The indicators as they may be shown: JSON-ready, every count 0 or at least the threshold."""
    flows = {}
    for name, flow in raw.flows.items():
        total = headline(flow.total, threshold)
        flows[name] = {
            "total": total.to_dict(),
            "by": {dim: _series(c, total, threshold) for dim, c in flow.by.items()},
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
