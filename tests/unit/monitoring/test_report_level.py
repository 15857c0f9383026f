"""Small territories: an area breakdown that would be mostly hidden is reported at programme level."""

from __future__ import annotations

from cantiere_monitoring.domain.disclosure import ReportLevel, report_level


def test_a_breakdown_with_mostly_visible_areas_is_reported_by_area():
    assert report_level({"Bari": 18, "Mola di Bari": 7, "Triggiano": 6, "Adelfia": 2}) is ReportLevel.AREA


def test_a_breakdown_where_most_non_zero_areas_would_be_hidden_is_reported_for_the_programme():
    counts = {"Bari": 9, "Noicattaro": 2, "Rutigliano": 1, "Capurso": 3, "Cellamare": 0, "Valenzano": 0}
    assert report_level(counts) is ReportLevel.PROGRAMME


def test_exactly_half_hidden_stays_at_area_level():
    # Mola di Bari (3) and its complement Triggiano (9) are hidden: 2 of 4 non-zero areas.
    assert report_level({"Bari": 12, "Mola di Bari": 3, "Triggiano": 9, "Capurso": 20}) is ReportLevel.AREA


def test_the_rule_follows_the_threshold():
    counts = {"Bari": 12, "Mola di Bari": 6, "Triggiano": 7}
    assert report_level(counts) is ReportLevel.AREA
    assert report_level(counts, threshold=10) is ReportLevel.PROGRAMME


def test_areas_with_no_cases_do_not_count_either_way():
    assert report_level({"Bari": 0, "Capurso": 0}) is ReportLevel.AREA
