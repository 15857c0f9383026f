"""Independent checks of the suppression guarantee, written without the production network code.

Two oracles read only the published table (and, for the brute force, the true counts as the
centre of the search box):
- `linearly_determined`: hidden cells fixed by the linear system of shown cells and margins
  (unit vector in the row space of the constraints restricted to the hidden unknowns), by exact
  rational Gaussian elimination.
- `feasible_values`: every integer filling of the hidden interior cells within a box, kept when
  all margins agree with what is shown and what each label says; the values each hidden cell
  (interior or margin) takes across those fillings.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from itertools import product

from cantiere_monitoring.domain.cells import Cell, Suppression
from cantiere_monitoring.domain.disclosure import SuppressedSeries, SuppressedTable

Coord = str | None | tuple[str | None, str | None]
Equation = dict[Coord, int]  # sum of coefficient * cell == 0


def published(table: SuppressedSeries | SuppressedTable) -> dict[Coord, Cell]:
    """Every published cell by coordinate: (row, col), (row, None), (None, col), (None, None); series: key / None."""
    if isinstance(table, SuppressedSeries):
        cells: dict[Coord, Cell] = dict(table.cells)
        if table.total is not None:
            cells[None] = table.total
        return cells
    out: dict[Coord, Cell] = {(r, c): cell for r, row in table.cells.items() for c, cell in row.items()}
    out.update({(r, None): cell for r, cell in table.row_totals.items()})
    out.update({(None, c): cell for c, cell in table.column_totals.items()})
    out[(None, None)] = table.grand_total
    return out


def equations(table: SuppressedSeries | SuppressedTable) -> list[Equation]:
    """The additive constraints a reader knows."""
    if isinstance(table, SuppressedSeries):
        return [{**dict.fromkeys(table.cells, 1), None: -1}] if table.total is not None else []
    rows, cols = list(table.cells), list(table.column_totals)
    eqs: list[Equation] = [{**{(r, c): 1 for c in cols}, (r, None): -1} for r in rows]
    eqs += [{**{(r, c): 1 for r in rows}, (None, c): -1} for c in cols]
    eqs.append({**{(r, None): 1 for r in rows}, (None, None): -1})
    eqs.append({**{(None, c): 1 for c in cols}, (None, None): -1})
    return eqs


def _rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix]
    rank, width = 0, len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][col] != 0:
                factor = rows[i][col] / rows[rank][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def linearly_determined(table: SuppressedSeries | SuppressedTable) -> set[Coord]:
    """Hidden cells whose value the linear system of published figures fixes (reals, no bounds)."""
    hidden = [coord for coord, cell in published(table).items() if cell.suppressed]
    matrix = [[Fraction(eq.get(coord, 0)) for coord in hidden] for eq in equations(table)]
    base = _rank(matrix)
    determined = set()
    for k, coord in enumerate(hidden):
        unit = [Fraction(int(i == k)) for i in range(len(hidden))]
        if _rank([*matrix, unit]) == base:
            determined.add(coord)
    return determined


def _label_allows(cell: Cell, value: int) -> bool:
    if not cell.suppressed:
        return value == cell.value
    if cell.suppression is Suppression.SMALL:  # "fewer than t"
        return 0 <= value < cell.threshold
    if cell.suppression is Suppression.COMPLEMENTARY:  # "not shown (t or more)"
        return value >= cell.threshold
    return value >= 0  # "withheld": nothing but non-negativity


def _is_interior(coord: Coord) -> bool:
    return coord is not None and not (isinstance(coord, tuple) and None in coord)


def _total_of(coord: Coord, x: dict[Coord, int]) -> int:
    if not isinstance(coord, tuple):  # the series total
        return sum(v for k, v in x.items() if _is_interior(k))
    row, col = coord
    return sum(
        v
        for k, v in x.items()
        if isinstance(k, tuple) and _is_interior(k) and row in (None, k[0]) and col in (None, k[1])
    )


def feasible_values(
    table: SuppressedSeries | SuppressedTable, truth: dict[Coord, int], radius: int | None
) -> dict[Coord, set[int]]:
    """Values each hidden cell takes over all consistent fillings; box = truth ± radius, or 0..cap if None."""
    cells = published(table)
    free = [c for c in cells if _is_interior(c) and cells[c].suppressed]
    cap = sum(v for k, v in truth.items() if _is_interior(k)) + max((c.threshold for c in cells.values()), default=0)

    def box(coord: Coord) -> list[int]:
        low, high = (0, cap) if radius is None else (max(0, truth[coord] - radius), truth[coord] + radius)
        return [v for v in range(low, high + 1) if _label_allows(cells[coord], v)]

    shown = {c: cell.value for c, cell in cells.items() if _is_interior(c) and cell.value is not None}
    seen: dict[Coord, set[int]] = defaultdict(set)
    for combo in product(*(box(c) for c in free)):
        x: dict[Coord, int] = {**shown, **dict(zip(free, combo, strict=True))}
        margins = {c: _total_of(c, x) for c in cells if not _is_interior(c)}
        if all(_label_allows(cells[c], v) for c, v in margins.items()):
            x.update(margins)
            for coord, cell in cells.items():
                if cell.suppressed:
                    seen[coord].add(x[coord])
    return seen


def table_truth(grid: dict[str, dict[str, int]]) -> dict[Coord, int]:
    """The true counts of a table, margins included, by published coordinate."""
    truth: dict[Coord, int] = {(r, c): v for r, row in grid.items() for c, v in row.items()}
    cols = list(dict.fromkeys(c for row in grid.values() for c in row))
    truth.update({(r, None): sum(row.values()) for r, row in grid.items()})
    truth.update({(None, c): sum(row.get(c, 0) for row in grid.values()) for c in cols})
    truth[(None, None)] = sum(sum(row.values()) for row in grid.values())
    return truth


def series_truth(values: dict[str, int]) -> dict[Coord, int]:
    """The true counts of a series, total included (under None)."""
    truth: dict[Coord, int] = {key: value for key, value in values.items()}
    truth[None] = sum(values.values())
    return truth
