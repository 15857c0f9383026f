"""Published cells: labels in English and Italian, JSON form, and what a reader may infer from each."""

from __future__ import annotations

import pytest
from cantiere_monitoring.domain.cells import Cell, Suppression, check_threshold, suppression_for
from pydantic import ValidationError


def test_a_small_cell_reads_fewer_than_the_threshold_in_english_and_italian():
    cell = Cell.hidden(Suppression.SMALL)
    assert cell.text("en") == "fewer than 5"
    assert cell.text("it") == "meno di 5"


def test_labels_follow_a_threshold_other_than_five():
    assert Cell.hidden(Suppression.SMALL, threshold=10).text("it") == "meno di 10"
    assert Cell.hidden(Suppression.COMPLEMENTARY, threshold=3).text("en") == "not shown (3 or more)"
    assert Cell.hidden(Suppression.COMPLEMENTARY, threshold=3).text("it") == "non mostrato (3 o più)"


def test_a_withheld_cell_says_nothing_about_its_count():
    cell = Cell.hidden(Suppression.WITHHELD)
    assert (cell.text("en"), cell.text("it")) == ("withheld", "riservato")
    assert cell.bounds() == (0, None)


def test_json_form_shows_the_value_or_a_labelled_marker_without_the_count():
    assert Cell.shown(7).to_dict() == {"value": 7}
    assert Cell.shown(0).to_dict() == {"value": 0}
    assert Cell.hidden(Suppression.SMALL).to_dict("it") == {"suppressed": True, "reason": "small", "label": "meno di 5"}
    assert "value" not in Cell.hidden(Suppression.COMPLEMENTARY).model_dump(exclude_none=True)


def test_a_reader_infers_the_range_each_label_states():
    assert Cell.shown(12).bounds() == (12, 12)
    assert Cell.hidden(Suppression.SMALL).bounds() == (0, 4)
    assert Cell.hidden(Suppression.COMPLEMENTARY).bounds() == (5, None)


def test_a_withheld_zero_is_labelled_fewer_than_the_threshold_because_that_is_true():
    assert suppression_for(0, 5) is Suppression.SMALL
    assert suppression_for(4, 5) is Suppression.SMALL
    assert suppression_for(5, 5) is Suppression.COMPLEMENTARY


def test_a_cell_is_either_shown_or_suppressed():
    with pytest.raises(ValidationError):
        Cell()
    with pytest.raises(ValidationError):
        Cell(value=3, suppression=Suppression.SMALL)
    with pytest.raises(ValidationError):
        Cell(value=-1)


@pytest.mark.parametrize("threshold", [0, 1])
def test_a_threshold_that_protects_nothing_is_refused(threshold):
    with pytest.raises(ValueError, match="at least 2"):
        check_threshold(threshold)
