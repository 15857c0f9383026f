"""Duration statistics are withheld below the threshold; overruns are suppressed like any count."""

from __future__ import annotations

import pytest
from cantiere_monitoring.domain.cells import Cell, Suppression
from cantiere_monitoring.domain.statistics import median, overrun_count, percentile_90


def test_the_median_of_fewer_cases_than_the_threshold_is_never_shown():
    assert median([10, 20, 30]) is None
    assert median([10, 20, 30, 40]) is None


def test_the_median_is_shown_from_the_threshold_on():
    assert median([30, 10, 20, 50, 40]) == 30.0
    assert median([10, 20, 30, 40, 50, 60]) == 35.0


def test_the_ninetieth_percentile_stays_within_the_observed_days():
    days = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50]
    assert percentile_90(days) == 45.5
    assert percentile_90(days[:4]) is None


def test_a_lower_threshold_shows_statistics_of_fewer_cases():
    assert median([10, 20, 30], threshold=3) == 20.0
    assert percentile_90([10, 20, 30], threshold=3) == 28.0
    assert median([10, 20, 30], threshold=10) is None


def test_a_small_number_of_overruns_is_hidden():
    assert overrun_count([60] * 20 + [200] * 3, standard_days=180) == Cell.hidden(Suppression.SMALL)


def test_many_overruns_are_hidden_when_few_cases_kept_to_the_standard():
    # The number of cases is published beside it, so 18 overruns of 20 would reveal 2 on time.
    assert overrun_count([60] * 2 + [200] * 18, standard_days=180) == Cell.hidden(Suppression.COMPLEMENTARY)


def test_overruns_are_shown_when_both_groups_are_large_enough():
    assert overrun_count([60] * 12 + [181] * 7 + [180] * 3, standard_days=180) == Cell.shown(7)


def test_no_overrun_is_shown_as_zero():
    assert overrun_count([30] * 6, standard_days=180) == Cell.shown(0)


def test_negative_durations_are_refused():
    with pytest.raises(ValueError, match="negative"):
        median([-1, 2, 3, 4, 5])
