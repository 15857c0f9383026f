"""Duration statistics (days from one event to another), withheld when too few cases stand behind them."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from cantiere_monitoring.domain.cells import DEFAULT_THRESHOLD, Cell, check_threshold
from cantiere_monitoring.domain.disclosure import suppress_series


def _enough(durations: Sequence[int], threshold: int) -> bool:
    check_threshold(threshold)
    if any(days < 0 for days in durations):
        raise ValueError("a duration cannot be negative")
    # The median of three cases is one of those three people's own duration: never shown.
    return len(durations) >= threshold


def median(durations: Sequence[int], threshold: int = DEFAULT_THRESHOLD) -> float | None:
    """Median duration in days, or None when there are fewer cases than the threshold."""
    return float(statistics.median(durations)) if _enough(durations, threshold) else None


def percentile_90(durations: Sequence[int], threshold: int = DEFAULT_THRESHOLD) -> float | None:
    """90th percentile in days (inclusive interpolation), or None when there are fewer cases than the threshold."""
    if not _enough(durations, threshold):
        return None
    # "inclusive" stays within the observed range, which is what a reader expects from few cases.
    return float(statistics.quantiles(durations, n=10, method="inclusive")[-1])


def overrun_count(durations: Sequence[int], standard_days: int, threshold: int = DEFAULT_THRESHOLD) -> Cell:
    """How many durations exceed `standard_days`, suppressed together with those within it."""
    _enough(durations, threshold)
    over = sum(1 for days in durations if days > standard_days)
    # The number of cases is usually published beside it, so "within the standard" = cases - overruns
    # is protected as the other cell of the same series.
    series = suppress_series({"overrun": over, "within": len(durations) - over}, threshold)
    return series.cells["overrun"]
