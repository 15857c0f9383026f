"""The allowance ledger as files for the payer, the Italian way: CSV (semicolons, decimal comma, UTF-8 with a
BOM so that spreadsheet programs read the accents) and XLSX. Pure: rows in, bytes out."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

HEADERS = (
    "Mese",
    "Tirocinio",
    "Candidato",
    "Comune",
    "Ore previste",
    "Ore svolte",
    "Indennità (euro)",
    "Regole applicate",
    "Pagata il",
)


def _euro(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _comma(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _day(value: date | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y")


def _cells(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["month"],
        row["placement_id"],
        row["person_id"],
        row["municipality"],
        Decimal(row["planned_hours"]),
        Decimal(row["attended_hours"]),
        _euro(row["allowance_cents"]),
        row["rule_set_id"] or "",
        row["paid_on"],
    )


def ledger_csv_italian(rows: list[dict[str, Any]]) -> bytes:
    """Semicolon-separated, decimal comma, dates as dd/mm/yyyy, UTF-8 with a byte order mark."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        month, placement, person, town, planned, attended, euro, rules, paid = _cells(row)
        writer.writerow(
            (month, placement, person, town, _comma(planned), _comma(attended), _comma(euro), rules, _day(paid))
        )
    return out.getvalue().encode("utf-8-sig")


def ledger_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """One sheet, numbers as numbers (two decimals), dates as dates: the spreadsheet shows them in its locale."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Indennità"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(list(_cells(row)))
    for column in ("E", "F", "G"):
        for cell in sheet[column][1:]:
            cell.number_format = "#,##0.00"
    for cell in sheet["I"][1:]:
        cell.number_format = "DD/MM/YYYY"
    for column, width in zip("ABCDEFGHI", (9, 38, 38, 16, 13, 12, 16, 20, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
