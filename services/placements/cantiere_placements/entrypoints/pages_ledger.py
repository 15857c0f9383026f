"""The allowances ledger by month, with its CSV (the Italian way) and XLSX exports for the payer."""

from __future__ import annotations

import re
from typing import Annotated

from cantiere_runtime.auth import Principal
from cantiere_web import page_router
from fastapi import Depends, Query, Request
from fastapi.responses import Response

from cantiere_placements.adapters import queries
from cantiere_placements.adapters.ledger_files import ledger_csv_italian, ledger_xlsx
from cantiere_placements.entrypoints.deps import STAFF
from cantiere_placements.entrypoints.pages import Fresh, municipality_names, page_allow, pages_of, today_of

router = page_router()
Staff = Annotated[Principal, Depends(page_allow(*STAFF))]
MONTH = re.compile(r"^(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(value: str | None) -> str | None:
    return value if value and MONTH.match(value) else None


@router.get("/indennita")
async def ledger_page(
    request: Request, _: Staff, wiring: Fresh, mese: Annotated[str | None, Query()] = None
) -> Response:
    """A month's allowances (this month by default; every month with ``mese=tutti``)."""
    month = None if mese == "tutti" else _month(mese) or today_of(request).strftime("%Y-%m")
    rows = await queries.allowance_ledger(wiring.views.engine, month)
    months = sorted({r["month"] for r in await queries.allowance_ledger(wiring.views.engine)}, reverse=True)
    total = sum(r["allowance_cents"] or 0 for r in rows)
    return pages_of(request).render(
        request,
        "ledger.html",
        rows=rows,
        month=month,
        month_options=[(m, m) for m in sorted({*months, *([month] if month else [])}, reverse=True)],
        total_cents=total,
        unpaid=sum(1 for r in rows if r["paid_on"] is None),
        names=municipality_names(wiring),
    )


def _filename(month: str | None, ext: str) -> str:
    return f"indennita-{month or 'tutti-i-mesi'}.{ext}"


@router.get("/indennita.csv")
async def ledger_csv(_: Staff, wiring: Fresh, mese: Annotated[str | None, Query()] = None) -> Response:
    """The ledger as CSV: semicolons, decimal comma, UTF-8 with BOM."""
    month = _month(mese)
    rows = await queries.allowance_ledger(wiring.views.engine, month)
    headers = {"Content-Disposition": f'attachment; filename="{_filename(month, "csv")}"'}
    return Response(ledger_csv_italian(rows), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/indennita.xlsx")
async def ledger_xlsx_file(_: Staff, wiring: Fresh, mese: Annotated[str | None, Query()] = None) -> Response:
    """The ledger as an Excel workbook."""
    month = _month(mese)
    rows = await queries.allowance_ledger(wiring.views.engine, month)
    headers = {"Content-Disposition": f'attachment; filename="{_filename(month, "xlsx")}"'}
    return Response(ledger_xlsx(rows), media_type=XLSX, headers=headers)
