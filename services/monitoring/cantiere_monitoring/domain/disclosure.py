"""Statistical disclosure control for count tables: what monitoring may show, and the audit proving it.

- Zero is shown as 0: nobody there singles nobody out. A zero may still be hidden as a
  complementary cell; it is then labelled "fewer than t", which is true.
- Primary suppression hides every count from 1 to t-1 (t = threshold), totals included.
- Complementary suppression then hides more cells, cheapest first (least total count, then fewest
  cells; ties by position), until no hidden cell can be pinned down. A hidden count of t or more
  reads "not shown (t or more)".
- If even hiding every cell would let the labels pin one (rare, small tables at low thresholds),
  the table is withheld: every cell reads "withheld", only the grand total stays when it may.

Guarantee (checked before returning; `recomputable_cells` re-runs it on the published form):
for every hidden cell, interior or total, the integer tables consistent with what is published
(shown counts, the additive totals, non-negativity, and each label: "fewer than t" = 0..t-1,
"not shown (t or more)" = t or more, "withheld" = anything) give it at least two values. So no
hidden cell is determined by the linear system either. Not covered: a reader who reverse-engineers
the algorithm's choices or assumes a "fewer than t" cell is not zero; several tables sharing
totals (the breakdowns of one release are audited one by one, each against its headline; only a
flow's breakdowns by quarter and by month are audited together, see `publication.time_leak`).

Across releases (`domain/releases.py`): figures leave only for fixed periods (the programme, a
calendar year, a calendar quarter), never for a day range, so two overlapping ranges cannot be
subtracted. The breakdowns other than by time (municipality, district, age band, sector, host site,
the categories) and the headlines with no breakdown by time (people ever suspended, with attendance
or allowances, hosts, follow-up totals, procedure cases and overruns) leave only with the programme
release, so a year minus three of its quarters cannot recover one of their counts. A year or quarter
keeps a flow's headline and its breakdowns by quarter and by month only where the time breakdowns of
a release containing it already fix them, so all releases together tell no more about the flows than
the programme release alone (years minus quarters, the programme minus years); a count shown both in
a year or quarter and in a release containing it may also not differ by 1..t-1. Still not covered,
stated plainly: differences between stocks at the end of two periods (active, suspended); and
copies of one release taken before and after late events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import overload

from pydantic import BaseModel, ConfigDict

from cantiere_monitoring.domain.cells import DEFAULT_THRESHOLD, TOTAL_LABEL, Bounds, Cell, Lang, check_threshold
from cantiere_monitoring.domain.network import Network, feasible_point, pinned_arcs
from cantiere_monitoring.domain.protection import UNPUBLISHED, protect

SeriesCoord = str | None  # a key of the series; None is the total
TableCoord = tuple[str | None, str | None]  # (row, column); None in a place means the total over it


class SuppressedSeries(BaseModel):
    """A one-dimensional count series (e.g. people by municipality) after suppression."""

    model_config = ConfigDict(frozen=True)

    threshold: int = DEFAULT_THRESHOLD
    cells: dict[str, Cell]
    total: Cell | None = None

    def to_rows(self, lang: Lang = "en") -> list[tuple[str, str]]:
        """(key, text) rows for exports, the total last when published."""
        rows = [(key, cell.text(lang)) for key, cell in self.cells.items()]
        return rows + ([(TOTAL_LABEL[lang], self.total.text(lang))] if self.total else [])

    def to_dict(self, lang: Lang = "en") -> dict[str, object]:
        """JSON-friendly form."""
        cells = {key: cell.to_dict(lang) for key, cell in self.cells.items()}
        return {"threshold": self.threshold, "cells": cells, "total": self.total.to_dict(lang) if self.total else None}

    def reader_view(self) -> tuple[Network, list[Bounds], list[SeriesCoord | None]]:
        """The network, what a reader knows of each arc, and each arc's coordinate (None: not published)."""
        coords: list[SeriesCoord | None] = [*self.cells, None]
        bounds = [cell.bounds() for cell in self.cells.values()]
        bounds.append(self.total.bounds() if self.total else UNPUBLISHED)
        return Network.series(len(self.cells)), bounds, coords


class SuppressedTable(BaseModel):
    """A two-way count table (e.g. month x municipality) with row, column and grand totals, after suppression."""

    model_config = ConfigDict(frozen=True)

    threshold: int = DEFAULT_THRESHOLD
    cells: dict[str, dict[str, Cell]]
    row_totals: dict[str, Cell]
    column_totals: dict[str, Cell]
    grand_total: Cell

    def to_rows(self, lang: Lang = "en", corner: str = "") -> list[list[str]]:
        """A header row, one row per row key with its total, and a last row of column totals."""
        total = TOTAL_LABEL[lang]
        header = [corner, *self.column_totals, total]
        body = [
            [row, *(cells[col].text(lang) for col in self.column_totals), self.row_totals[row].text(lang)]
            for row, cells in self.cells.items()
        ]
        footer = [total, *(cell.text(lang) for cell in self.column_totals.values()), self.grand_total.text(lang)]
        return [header, *body, footer]

    def to_dict(self, lang: Lang = "en") -> dict[str, object]:
        """JSON-friendly form."""
        return {
            "threshold": self.threshold,
            "cells": {row: {col: c.to_dict(lang) for col, c in cells.items()} for row, cells in self.cells.items()},
            "row_totals": {row: cell.to_dict(lang) for row, cell in self.row_totals.items()},
            "column_totals": {col: cell.to_dict(lang) for col, cell in self.column_totals.items()},
            "grand_total": self.grand_total.to_dict(lang),
        }

    def reader_view(self) -> tuple[Network, list[Bounds], list[TableCoord | None]]:
        """The network, what a reader knows of each arc, and each arc's coordinate."""
        rows, cols = list(self.cells), list(self.column_totals)
        coords: list[TableCoord | None] = [(row, col) for row in rows for col in cols]
        coords += [(row, None) for row in rows] + [(None, col) for col in cols] + [(None, None)]
        cells = [self.cells[row][col] for row in rows for col in cols]
        cells += [*self.row_totals.values(), *self.column_totals.values(), self.grand_total]
        return Network.table(len(rows), len(cols)), [cell.bounds() for cell in cells], coords


@overload
def recomputable_cells(table: SuppressedSeries) -> set[SeriesCoord]: ...
@overload
def recomputable_cells(table: SuppressedTable) -> set[TableCoord]: ...
def recomputable_cells(table: SuppressedSeries | SuppressedTable) -> set[SeriesCoord] | set[TableCoord]:
    """Withheld cells a reader can pin to one value using only what is published (empty = safe)."""
    net, bounds, coords = table.reader_view()
    pinned = pinned_arcs(net, bounds, feasible_point(net, bounds))
    return {coords[arc] for arc in pinned if coords[arc] is not None}


def _counts(values: Mapping[str, int]) -> list[int]:
    for key, value in values.items():
        if value < 0:
            raise ValueError(f"counts cannot be negative ({key}: {value})")
    return list(values.values())


def suppress_series(
    values: Mapping[str, int], threshold: int = DEFAULT_THRESHOLD, with_total: bool = True
) -> SuppressedSeries:
    """Suppress a one-dimensional series, with its total when `with_total`."""
    threshold = check_threshold(threshold)
    counts = _counts(values)
    arcs = [*counts, sum(counts)]
    hidden = protect(Network.series(len(counts)), arcs, range(len(arcs) - (0 if with_total else 1)), threshold)

    def cell(arc: int) -> Cell:
        return Cell.hidden(hidden[arc], threshold) if arc in hidden else Cell.shown(arcs[arc], threshold)

    total = cell(len(counts)) if with_total else None
    return SuppressedSeries(threshold=threshold, cells={key: cell(i) for i, key in enumerate(values)}, total=total)


def suppress_table(
    rows: Mapping[str, Mapping[str, int]], threshold: int = DEFAULT_THRESHOLD, columns: Sequence[str] | None = None
) -> SuppressedTable:
    """Suppress a two-way table with all its margins; `columns` fixes their order and adds empty ones."""
    threshold = check_threshold(threshold)
    cols = list(dict.fromkeys([*(columns or []), *(col for row in rows.values() for col in row)]))
    grid = [[row.get(col, 0) for col in cols] for row in rows.values()]
    for key, row in rows.items():
        _counts({f"{key}/{col}": value for col, value in row.items()})
    interior = [value for row in grid for value in row]
    row_sums = [sum(row) for row in grid]
    col_sums = [sum(column) for column in zip(*grid, strict=True)] if grid else [0] * len(cols)
    arcs = [*interior, *row_sums, *col_sums, sum(row_sums)]
    hidden = protect(Network.table(len(grid), len(cols)), arcs, range(len(arcs)), threshold)

    def cell(arc: int) -> Cell:
        return Cell.hidden(hidden[arc], threshold) if arc in hidden else Cell.shown(arcs[arc], threshold)

    n, r = len(interior), len(grid)
    return SuppressedTable(
        threshold=threshold,
        cells={key: {col: cell(i * len(cols) + j) for j, col in enumerate(cols)} for i, key in enumerate(rows)},
        row_totals={key: cell(n + i) for i, key in enumerate(rows)},
        column_totals={col: cell(n + r + j) for j, col in enumerate(cols)},
        grand_total=cell(len(arcs) - 1),
    )


class ReportLevel(StrEnum):
    """Where a breakdown by area is reported."""

    AREA = "area"
    PROGRAMME = "programme"


def report_level(counts_by_area: Mapping[str, int], threshold: int = DEFAULT_THRESHOLD) -> ReportLevel:
    """Programme level when suppression would withhold more than half of the non-zero area counts."""
    # Small territories: a breakdown that is mostly markers tells readers little and invites
    # differencing against other releases; the programme total alone is then the honest figure.
    series = suppress_series(counts_by_area, threshold)
    non_zero = [key for key, count in counts_by_area.items() if count > 0]
    withheld = sum(1 for key in non_zero if series.cells[key].suppressed)
    return ReportLevel.PROGRAMME if 2 * withheld > len(non_zero) else ReportLevel.AREA
