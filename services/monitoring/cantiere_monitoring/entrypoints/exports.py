"""Open-data exports of the suppressed indicators: a flat CSV and the JSON the API serves."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

HEADER = ["section", "indicator", "dimension", "key", "value", "suppressed", "label"]


WITHHELD_LABELS = {"programme_level": "reported at programme level only"}  # in English, as the cells' labels


def _cell_row(section: str, name: str, dimension: str, key: str, cell: dict[str, Any]) -> list[str]:
    if "value" in cell:
        return [section, name, dimension, key, str(cell["value"]), "", ""]
    if "withheld" in cell:  # a year's or quarter's count reported for the programme only
        return [section, name, dimension, key, "", cell["withheld"], WITHHELD_LABELS.get(cell["withheld"], "")]
    return [section, name, dimension, key, "", cell.get("reason", ""), cell.get("label", "")]


def _series_rows(section: str, name: str, dimension: str, series: dict[str, Any]) -> Iterator[list[str]]:
    if "cells" not in series:
        withheld = series.get("withheld", "")
        yield [section, name, dimension, "", "", withheld, WITHHELD_LABELS.get(withheld, "")]
        return
    for key, cell in series["cells"].items():
        yield _cell_row(section, name, dimension, key, cell)
    if series.get("total"):
        yield _cell_row(section, name, dimension, "total", series["total"])


def rows(indicators: dict[str, Any]) -> Iterator[list[str]]:
    """One row per published cell: counts, or the reason they are withheld; never a hidden count."""
    for name, flow in indicators["flows"].items():
        yield _cell_row("flows", name, "", "total", flow["total"])
        for dimension, series in flow["by"].items():
            yield from _series_rows("flows", name, dimension, series)
    for name, category in indicators["categories"].items():
        yield from _series_rows("categories", name, "", category["breakdown"])
    for name, cell in indicators["at_period_end"].items():
        yield _cell_row("at_period_end", name, "", "total", cell)
    for name in ("recruited", "retained"):
        yield _cell_row("hosts", name, "", "total", indicators["hosts"][name])
    for dimension, series in indicators["hosts"]["by"].items():
        yield from _series_rows("hosts", "recruited", dimension, series)


def to_csv(indicators: dict[str, Any]) -> str:
    """The suppressed indicators as CSV (UTF-8, comma-separated, one header row)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows(indicators))
    return out.getvalue()


def to_json(indicators: dict[str, Any]) -> str:
    """The suppressed indicators as JSON text (dates as ISO dates)."""
    return json.dumps(indicators, default=str, ensure_ascii=False, indent=2)


OPEN_DATA_HEADER = ["sezione", "indicatore", "dimensione", "voce", "valore", "motivo_omissione", "nota"]
OPEN_DATA_NOTES = {
    "small": "meno di {t}",
    "complementary": "non mostrato ({t} o più)",
    "withheld": "riservato",
    "programme_level": "riportato solo a livello di programma",
}


def to_open_data_csv(indicators: dict[str, Any]) -> str:
    """The suppressed indicators as open data: CSV (UTF-8, comma-separated) with Italian headers and notes."""
    threshold = indicators["threshold"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OPEN_DATA_HEADER)
    for row in rows(indicators):
        reason = row[5]
        writer.writerow([*row[:6], OPEN_DATA_NOTES.get(reason, reason).format(t=threshold) if reason else ""])
    return out.getvalue()
