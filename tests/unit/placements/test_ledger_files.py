"""The allowance ledger for the payer, the Italian way: CSV with semicolons, decimal comma, dd/mm/yyyy and a BOM;
XLSX with numbers and dates a spreadsheet can add up."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from cantiere_placements.adapters.ledger_files import ledger_csv_italian, ledger_xlsx
from openpyxl import load_workbook

ROWS = [
    {
        "month": "2008-05",
        "placement_id": "0190d1a0-0000-7000-8000-000000000101",
        "person_id": "0190d1a0-0000-7000-8000-000000000201",
        "municipality": "mola-di-bari",
        "planned_hours": Decimal("80.00"),
        "attended_hours": Decimal("72.50"),
        "allowance_cents": 123_450,
        "rule_set_id": "puglia-2008-pilot",
        "paid_on": date(2008, 6, 10),
    },
    {
        "month": "2008-05",
        "placement_id": "0190d1a0-0000-7000-8000-000000000102",
        "person_id": "0190d1a0-0000-7000-8000-000000000202",
        "municipality": "bari",
        "planned_hours": Decimal("80"),
        "attended_hours": Decimal("20"),
        "allowance_cents": None,
        "rule_set_id": None,
        "paid_on": None,
    },
]


def test_the_csv_has_a_bom_semicolons_decimal_commas_and_italian_dates():
    raw = ledger_csv_italian(ROWS)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][6] == "Indennità (euro)"
    assert rows[1][4:] == ["80,00", "72,50", "1234,50", "puglia-2008-pilot", "10/06/2008"]
    assert rows[2][4:] == ["80,00", "20,00", "", "", ""]  # not calculated, not paid: empty cells, never zero


def test_the_workbook_holds_numbers_and_dates():
    sheet = load_workbook(io.BytesIO(ledger_xlsx(ROWS))).active
    assert sheet is not None
    header, first, second = ([c.value for c in r] for r in sheet.iter_rows())
    assert header[6] == "Indennità (euro)"
    assert first[4:7] == [80, 72.5, 1234.5] and first[8].date() == date(2008, 6, 10)
    assert second[6] is None and second[8] is None
