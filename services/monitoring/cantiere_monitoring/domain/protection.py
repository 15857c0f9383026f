"""Primary and complementary suppression on a count network, until no hidden count can be pinned."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from cantiere_monitoring.domain.cells import Bounds, Suppression, label_bounds, suppression_for
from cantiere_monitoring.domain.network import Network, cheapest_cycle, is_pinned, pinned_arcs

UNPUBLISHED: Bounds = (0, None)  # an arc the table does not print (e.g. a series without total)


def reader_bounds(
    values: Sequence[int], published: Collection[int], hidden: dict[int, Suppression], threshold: int
) -> list[Bounds]:
    """Per arc, what a reader knows: the exact count if shown, the label's range if hidden."""
    return [
        UNPUBLISHED
        if arc not in published
        else label_bounds(hidden[arc], threshold)
        if arc in hidden
        else (value, value)
        for arc, value in enumerate(values)
    ]


def _leaks(
    net: Network, values: Sequence[int], published: Collection[int], hidden: dict[int, Suppression], threshold: int
) -> set[int]:
    return pinned_arcs(net, reader_bounds(values, published, hidden, threshold), values) & set(published)


def protect(net: Network, values: Sequence[int], published: Collection[int], threshold: int) -> dict[int, Suppression]:
    """Which published arcs to withhold, and with which label, so that none can be pinned down."""
    hidden = {arc: Suppression.SMALL for arc in published if 0 < values[arc] < threshold}
    bounds = reader_bounds(values, published, hidden, threshold)
    # Hiding more never pins a count that could move, and every arc on the chosen cycle can move,
    # so one pass over the cells pinned after primary suppression suffices.
    for arc in sorted(pinned_arcs(net, bounds, values) & set(published)):
        if not is_pinned(net, bounds, values, arc):
            continue
        if_hidden = {
            other: label_bounds(suppression_for(values[other], threshold), threshold)
            for other in published
            if other not in hidden
        }
        cycle = cheapest_cycle(net, bounds, values, arc, if_hidden)
        if cycle is None:
            return _withhold_table(net, values, published, threshold)
        for other in cycle:
            hidden[other] = suppression_for(values[other], threshold)
            bounds[other] = label_bounds(hidden[other], threshold)
    if _leaks(net, values, published, hidden, threshold):  # pragma: no cover - ruled out above; a tripwire
        raise RuntimeError("suppression left a recomputable cell")
    return hidden


def _withhold_table(
    net: Network, values: Sequence[int], published: Collection[int], threshold: int
) -> dict[int, Suppression]:
    # Reached when the labels themselves pin a cell even with every count hidden: e.g. at threshold 3,
    # three rows "fewer than 3" and two columns "3 or more" force every other column to 0. Then only
    # labels that say nothing are safe: keep the grand total (the last arc) if it may be shown.
    grand = len(values) - 1
    keep = grand in published and not 0 < values[grand] < threshold
    hidden = {arc: Suppression.WITHHELD for arc in published if not (keep and arc == grand)}
    if keep and _leaks(net, values, published, hidden, threshold):
        hidden[grand] = Suppression.WITHHELD
    # With no finite upper bound anywhere, every count can grow along a cycle: nothing is pinned.
    return hidden
