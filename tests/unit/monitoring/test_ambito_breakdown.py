"""Figures by ambito: suppressed like every other breakdown, and never a way to recompute a municipality's
hidden count from its ambito (an ambito is the sum of its municipalities)."""

from __future__ import annotations

from itertools import product
from typing import Any

from cantiere_monitoring.domain.cells import Suppression, label_bounds
from cantiere_monitoring.domain.indicators import NO_AMBITO
from cantiere_monitoring.domain.publication import PROGRAMME_LEVEL, flow_breakdowns, headline
from hypothesis import given, settings
from hypothesis import strategies as st

THRESHOLD = 5
AMBITO_OF = {
    "mola": "ambito-mola",
    "noicattaro": "ambito-mola",
    "capurso": "ambito-triggiano",
    "adelfia": "ambito-triggiano",
}


def breakdowns(by_municipality: dict[str, int]) -> dict[str, Any]:
    by_ambito: dict[str, int] = {}
    for municipality, count in by_municipality.items():
        key = AMBITO_OF.get(municipality, NO_AMBITO)
        by_ambito[key] = by_ambito.get(key, 0) + count
    total = headline(sum(by_municipality.values()), THRESHOLD)
    return flow_breakdowns({"municipality": by_municipality, "ambito": by_ambito}, total, THRESHOLD, AMBITO_OF) | {
        "total": total
    }


def test_an_ambito_that_would_give_away_a_hidden_municipality_stays_at_programme_level() -> None:
    published = breakdowns({"mola": 10, "noicattaro": 3, "capurso": 7, "adelfia": 8})
    municipalities = published["municipality"]["cells"]
    assert municipalities["noicattaro"]["suppressed"]  # 3 is below the threshold ...
    # ... and Ambito Mola (13) minus Mola (10) would say 3: the ambito breakdown is not published.
    assert published["ambito"] == PROGRAMME_LEVEL


def test_ambiti_are_shown_when_nothing_can_be_recomputed() -> None:
    published = breakdowns({"mola": 10, "noicattaro": 6, "capurso": 7, "adelfia": 8})
    assert published["ambito"]["cells"] == {"ambito-mola": {"value": 16}, "ambito-triggiano": {"value": 15}}


def _values_a_reader_can_find(published: dict[str, Any], true: dict[str, int]) -> dict[str, set[int]]:
    """Brute force: every filling of the hidden municipality counts consistent with everything published."""
    municipalities = published["municipality"].get("cells")
    ambiti = published["ambito"].get("cells")
    total = published["total"].value
    hidden = [m for m, c in municipalities.items() if c.get("suppressed")] if municipalities else list(true)
    box = range(0, (total or sum(true.values())) + 1)
    found: dict[str, set[int]] = {m: set() for m in hidden}
    for filling in product(box, repeat=len(hidden)):
        counts = {m: c.get("value", 0) for m, c in (municipalities or {}).items()}
        counts.update(zip(hidden, filling, strict=True))
        if total is not None and sum(counts.values()) != total:
            continue
        if municipalities and any(
            c.get("suppressed") and not _label_allows(c, counts[m]) for m, c in municipalities.items()
        ):
            continue
        if ambiti:
            sums = {a: sum(v for m, v in counts.items() if AMBITO_OF.get(m, NO_AMBITO) == a) for a in ambiti}
            if any(not _label_allows(ambiti[a], sums[a]) for a in ambiti):
                continue
        for m in hidden:
            found[m].add(counts[m])
    return found


def _label_allows(cell: dict[str, Any], value: int) -> bool:
    if "value" in cell:
        return bool(cell["value"] == value)
    low, high = label_bounds(Suppression(cell["reason"]), THRESHOLD)
    return low <= value and (high is None or value <= high)


counts = st.integers(0, 9)


@settings(max_examples=60, deadline=None)
@given(counts, counts, counts, counts)
def test_no_hidden_municipality_count_is_pinned_by_the_ambiti_and_the_municipalities_together(
    mola: int, noicattaro: int, capurso: int, adelfia: int
) -> None:
    true = {"mola": mola, "noicattaro": noicattaro, "capurso": capurso, "adelfia": adelfia}
    published = breakdowns(true)
    if "cells" not in published["municipality"]:
        return  # nothing by municipality leaves: nothing to pin
    for municipality, values in _values_a_reader_can_find(published, true).items():
        assert len(values) >= 2, f"{municipality} is pinned to {values} by {published}"
