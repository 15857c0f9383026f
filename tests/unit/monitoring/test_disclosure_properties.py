"""Property tests: on random tables, suppression never shows a small count and never leaves one recomputable."""

from __future__ import annotations

from cantiere_monitoring.domain.cells import Cell, Suppression
from cantiere_monitoring.domain.disclosure import (
    SuppressedSeries,
    SuppressedTable,
    recomputable_cells,
    suppress_series,
    suppress_table,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from .oracles import Coord, feasible_values, linearly_determined, published, series_truth, table_truth
from .strategies import grids, series, thresholds


def assert_truthful_and_no_small_cell_shown(table: SuppressedSeries | SuppressedTable, truth: dict[Coord, int]) -> None:
    threshold = table.threshold
    for coord, cell in published(table).items():
        value = truth[coord]
        if cell.suppressed:
            # The label is true: "fewer than t" holds 0..t-1, "not shown (t or more)" holds t or more.
            if cell.suppression is Suppression.SMALL:
                assert value < threshold, coord
            elif cell.suppression is Suppression.COMPLEMENTARY:
                assert value >= threshold, coord
        else:
            assert cell.value == value, coord
            assert not 0 < value < threshold, coord


def assert_every_hidden_cell_has_two_values(table: SuppressedSeries | SuppressedTable, seen: dict[Coord, set[int]]):
    for coord, cell in published(table).items():
        if cell.suppressed:
            assert len(seen[coord]) >= 2, (coord, seen[coord])


@settings(max_examples=300, deadline=None)
@given(values=series(), threshold=thresholds, with_total=st.booleans())
def test_a_series_shows_no_small_count_and_no_hidden_count_can_be_recomputed(values, threshold, with_total):
    result = suppress_series(values, threshold, with_total=with_total)
    assert_truthful_and_no_small_cell_shown(result, series_truth(values))
    assert recomputable_cells(result) == set()
    assert linearly_determined(result) == set()


@settings(max_examples=200, deadline=None)
@given(values=series(max_size=5), threshold=thresholds, with_total=st.booleans())
def test_brute_force_finds_two_values_for_every_hidden_cell_of_a_short_series(values, threshold, with_total):
    result = suppress_series(values, threshold, with_total=with_total)
    assert_every_hidden_cell_has_two_values(result, feasible_values(result, series_truth(values), radius=2))


@settings(max_examples=300, deadline=None)
@given(grid=grids(), threshold=thresholds)
def test_a_table_with_margins_shows_no_small_count_and_no_hidden_count_can_be_recomputed(grid, threshold):
    result = suppress_table(grid, threshold)
    assert_truthful_and_no_small_cell_shown(result, table_truth(grid))
    assert recomputable_cells(result) == set()
    assert linearly_determined(result) == set()


@settings(max_examples=300, deadline=None)
@given(grid=grids(max_rows=3, max_cols=3, values=st.integers(0, 8)), threshold=st.sampled_from([2, 3, 4, 5]))
def test_brute_force_finds_two_values_for_every_hidden_cell_of_a_small_table(grid, threshold):
    result = suppress_table(grid, threshold)
    assert_every_hidden_cell_has_two_values(result, feasible_values(result, table_truth(grid), radius=1))


@settings(max_examples=100, deadline=None)
@given(grid=grids(max_rows=2, max_cols=2, values=st.integers(0, 3)), threshold=st.sampled_from([2, 3, 5]))
def test_exhaustive_enumeration_agrees_on_two_by_two_tables(grid, threshold):
    # No box around the truth here: every filling from 0 up to the whole total plus the threshold.
    result = suppress_table(grid, threshold)
    assert_every_hidden_cell_has_two_values(result, feasible_values(result, table_truth(grid), radius=None))


@settings(max_examples=200, deadline=None)
@given(grid=grids(max_rows=3, max_cols=3, values=st.integers(0, 8)), threshold=st.sampled_from([3, 5]))
def test_the_audit_agrees_with_brute_force_on_what_primary_suppression_alone_leaks(grid, threshold):
    # Audit primary-only publications (which do leak) and compare with the enumeration oracle.
    truth = table_truth(grid)
    result = suppress_table(grid, threshold)
    naive = result.model_copy(
        update={
            "cells": {r: {c: _primary((r, c), truth, threshold) for c in row} for r, row in grid.items()},
            "row_totals": {r: _primary((r, None), truth, threshold) for r in grid},
            "column_totals": {c: _primary((None, c), truth, threshold) for c in result.column_totals},
            "grand_total": _primary((None, None), truth, threshold),
        }
    )
    seen = feasible_values(naive, truth, radius=1)
    pinned = {coord for coord, cell in published(naive).items() if cell.suppressed and len(seen[coord]) < 2}
    assert recomputable_cells(naive) == pinned


def _primary(coord: Coord, truth: dict[Coord, int], threshold: int) -> Cell:
    value = truth[coord]
    return Cell.hidden(Suppression.SMALL, threshold) if 0 < value < threshold else Cell.shown(value, threshold)


@given(grid=grids(max_rows=4, max_cols=4), threshold=thresholds)
def test_suppression_is_deterministic(grid, threshold):
    assert suppress_table(grid, threshold) == suppress_table(grid, threshold)
