"""The monitoring home page shows a published cell as its count, or its marker: never the withheld count."""

from cantiere_monitoring.domain.cells import Cell, Suppression
from cantiere_monitoring.entrypoints.pages import shown
from cantiere_web.i18n import current_locale


def test_a_withheld_count_reads_fewer_than_the_threshold_in_the_page_language() -> None:
    small = Cell.hidden(Suppression.SMALL, 5).to_dict()
    assert shown(small, 5) == "meno di 5" and shown(Cell.shown(7).to_dict(), 5) == "7"
    token = current_locale.set("en")
    try:
        assert shown(small, 5) == "fewer than 5"
        assert shown({"withheld": "programme_level"}, 5) == "withheld"
    finally:
        current_locale.reset(token)
