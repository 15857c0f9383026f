"""Hand-made tables: where primary suppression alone leaks, and what suppression shows instead."""

from __future__ import annotations

import pytest
from cantiere_monitoring.domain.cells import Cell, Suppression
from cantiere_monitoring.domain.disclosure import (
    SuppressedSeries,
    SuppressedTable,
    recomputable_cells,
    suppress_series,
    suppress_table,
)

from .oracles import linearly_determined, published

SMALL, COMPLEMENTARY, WITHHELD = Suppression.SMALL, Suppression.COMPLEMENTARY, Suppression.WITHHELD
MONTHS = {
    "2009-01": {"Bari": 12, "Mola di Bari": 3, "Triggiano": 7},
    "2009-02": {"Bari": 20, "Mola di Bari": 9, "Triggiano": 8},
}


def hidden(table: SuppressedSeries | SuppressedTable) -> dict[object, Suppression | None]:
    return {coord: cell.suppression for coord, cell in published(table).items() if cell.suppressed}


def primary_only_table(rows: dict[str, dict[str, int]], threshold: int = 5) -> SuppressedTable:
    def cell(value: int) -> Cell:
        return Cell.hidden(SMALL, threshold) if 0 < value < threshold else Cell.shown(value, threshold)

    cols = list(next(iter(rows.values())))
    return SuppressedTable(
        threshold=threshold,
        cells={r: {c: cell(v) for c, v in row.items()} for r, row in rows.items()},
        row_totals={r: cell(sum(row.values())) for r, row in rows.items()},
        column_totals={c: cell(sum(row[c] for row in rows.values())) for c in cols},
        grand_total=cell(sum(sum(row.values()) for row in rows.values())),
    )


def test_primary_suppression_alone_lets_the_total_give_a_small_count_away():
    naive = SuppressedSeries(
        cells={"Bari": Cell.shown(12), "Mola di Bari": Cell.hidden(SMALL), "Noicattaro": Cell.shown(9)},
        total=Cell.shown(24),
    )
    assert recomputable_cells(naive) == {"Mola di Bari"}


def test_a_series_hides_the_smallest_count_that_can_absorb_the_difference():
    result = suppress_series({"Bari": 12, "Mola di Bari": 3, "Noicattaro": 9})
    assert result.to_rows() == [
        ("Bari", "12"),
        ("Mola di Bari", "fewer than 5"),
        ("Noicattaro", "not shown (5 or more)"),
        ("Total", "24"),
    ]
    assert recomputable_cells(result) == set()


def test_primary_suppression_alone_leaks_a_month_by_municipality_cell_through_the_margins():
    assert recomputable_cells(primary_only_table(MONTHS)) == {("2009-01", "Mola di Bari")}


def test_a_month_by_municipality_table_hides_the_cheapest_rectangle():
    result = suppress_table(MONTHS)
    assert hidden(result) == {
        ("2009-01", "Mola di Bari"): SMALL,
        ("2009-01", "Triggiano"): COMPLEMENTARY,
        ("2009-02", "Mola di Bari"): COMPLEMENTARY,
        ("2009-02", "Triggiano"): COMPLEMENTARY,
    }
    assert result.row_totals["2009-01"] == Cell.shown(22)
    assert result.grand_total == Cell.shown(59)
    assert recomputable_cells(result) == set()


def test_two_small_cells_in_a_row_still_leak_when_a_column_has_no_other_hidden_cell():
    rows = {"r1": {"a": 3, "b": 4, "c": 10}, "r2": {"a": 0, "b": 0, "c": 15}, "r3": {"a": 10, "b": 10, "c": 0}}
    assert recomputable_cells(primary_only_table(rows)) == {("r1", "a"), ("r1", "b")}
    result = suppress_table(rows)
    assert set(hidden(result)) == {("r1", "a"), ("r1", "b"), ("r3", "a"), ("r3", "b")}
    assert recomputable_cells(result) == set()


def test_the_audit_uses_what_labels_say_not_only_the_linear_system():
    # Two cells "fewer than 5" adding up to a shown 8 must both be 4, though two unknowns and one
    # equation leave the linear system undetermined.
    published_series = SuppressedSeries(cells={"a": Cell.hidden(SMALL), "b": Cell.hidden(SMALL)}, total=Cell.shown(8))
    assert linearly_determined(published_series) == set()
    assert recomputable_cells(published_series) == {"a", "b"}
    assert suppress_series({"a": 4, "b": 4}).total == Cell.hidden(COMPLEMENTARY)


def test_zeros_are_shown_and_an_all_zero_table_hides_nothing():
    result = suppress_table({"2009-01": {"Bari": 0, "Capurso": 0}, "2009-02": {"Bari": 0, "Capurso": 0}})
    assert hidden(result) == {}
    assert result.grand_total == Cell.shown(0)


def test_zero_rows_and_columns_stay_visible_around_hidden_cells():
    result = suppress_table({"r1": {"a": 1, "b": 2}, "r2": {"a": 0, "b": 0}})
    assert result.to_rows() == [
        ["", "a", "b", "Total"],
        ["r1", "fewer than 5", "fewer than 5", "fewer than 5"],
        ["r2", "0", "0", "0"],
        ["Total", "fewer than 5", "fewer than 5", "fewer than 5"],
    ]


def test_a_zero_may_be_hidden_as_the_complement_and_is_then_labelled_fewer_than_five():
    result = suppress_series({"a": 3, "b": 0, "c": 20})
    assert result.to_rows("it") == [("a", "meno di 5"), ("b", "meno di 5"), ("c", "20"), ("Totale", "23")]
    assert recomputable_cells(result) == set()


def test_a_total_below_the_threshold_is_hidden_too():
    result = suppress_table({"2009-01": {"Adelfia": 1, "Cellamare": 2}})
    assert all(cell.suppression is SMALL for cell in published(result).values())


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (3, [("Bari", "12"), ("Mola di Bari", "3"), ("Noicattaro", "9"), ("Total", "24")]),
        (10, [("Bari", "12"), ("Mola di Bari", "fewer than 10"), ("Noicattaro", "fewer than 10"), ("Total", "24")]),
    ],
)
def test_the_threshold_is_configurable(threshold, expected):
    result = suppress_series({"Bari": 12, "Mola di Bari": 3, "Noicattaro": 9}, threshold)
    assert result.to_rows() == expected
    assert recomputable_cells(result) == set()


def test_a_series_without_total_needs_no_complement():
    result = suppress_series({"a": 3, "b": 12}, with_total=False)
    assert result.total is None
    assert hidden(result) == {"a": SMALL}
    assert recomputable_cells(result) == set()


def test_when_the_labels_alone_would_pin_a_cell_the_table_is_withheld_but_for_its_grand_total():
    # At threshold 3: every row is "fewer than 3" and two columns "3 or more", which forces the
    # other columns to 0 even with every cell hidden; only labels that say nothing are safe.
    rows = {"r0": {"a": 2, "b": 0, "c": 0}, "r1": {"a": 1, "b": 0, "c": 1}, "r2": {"a": 0, "b": 0, "c": 2}}
    result = suppress_table(rows, threshold=3)
    assert result.grand_total == Cell.shown(6, threshold=3)
    assert set(hidden(result).values()) == {WITHHELD}
    assert len(hidden(result)) == 9 + 3 + 3
    assert recomputable_cells(result) == set()


def test_a_single_row_table_withholds_its_grand_total_with_its_row_total():
    result = suppress_table({"2009-01": {"a": 1, "b": 1}}, threshold=2)
    assert all(cell.suppression is WITHHELD for cell in published(result).values())


def test_columns_can_be_given_to_show_municipalities_with_no_cases():
    result = suppress_table({"2009-01": {"Bari": 30}}, columns=["Bari", "Valenzano"])
    assert result.to_rows("it") == [
        ["", "Bari", "Valenzano", "Totale"],
        ["2009-01", "30", "0", "30"],
        ["Totale", "30", "0", "30"],
    ]


def test_json_form_of_a_table_carries_no_hidden_count():
    data = suppress_table(MONTHS).to_dict("it")
    assert data["cells"]["2009-01"]["Mola di Bari"] == {"suppressed": True, "reason": "small", "label": "meno di 5"}  # type: ignore[index]
    assert data["grand_total"] == {"value": 59}
    assert "3" not in str(data["cells"]["2009-01"])  # type: ignore[index]


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        suppress_series({"a": -1})
    with pytest.raises(ValueError, match="negative"):
        suppress_table({"r": {"a": -2}})


def test_figures_that_do_not_add_up_cannot_be_audited():
    broken = SuppressedSeries(cells={"a": Cell.shown(10), "b": Cell.hidden(SMALL)}, total=Cell.shown(5))
    with pytest.raises(ValueError, match="do not add up"):
        recomputable_cells(broken)


def test_an_empty_breakdown_shows_a_zero_total():
    assert suppress_series({}).to_rows() == [("Total", "0")]
    assert suppress_table({}).grand_total == Cell.shown(0)
