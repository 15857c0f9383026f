"""The work queue pages: every open case with its deadline (filters by phase, municipality, operator), the
follow-ups due, and each operator's daily digest. Deadlines come from the domain (``work_queue``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from cantiere_runtime.auth import Principal, Role
from cantiere_web import page_router
from fastapi import Depends, Query, Request
from fastapi.responses import Response

from cantiere_placements.entrypoints import page_labels as labels
from cantiere_placements.entrypoints.deps import STAFF
from cantiere_placements.entrypoints.pages import PHASES, Fresh, municipality_names, page_allow, pages_of, today_of
from cantiere_placements.service_layer.work_queue import open_cases, operator_digest

router = page_router()
Staff = Annotated[Principal, Depends(page_allow(*STAFF))]


def _chosen(value: str | None, allowed: list[str]) -> str | None:
    return value if value in allowed else None


@router.get("/percorsi")
async def pipeline_page(
    request: Request,
    who: Staff,
    wiring: Fresh,
    fase: Annotated[str | None, Query()] = None,
    comune: Annotated[str | None, Query()] = None,
    operatore: Annotated[str | None, Query()] = None,
) -> Response:
    """Every open case, most urgent first, with the filters a placement team uses."""
    svc, today = wiring.placements, today_of(request)
    rows = await open_cases(wiring.views.engine, svc.store, svc.territory, today)
    names = municipality_names(wiring)
    operators = sorted({r["operator"] for r in rows if r["operator"]})
    filters = {
        "fase": _chosen(fase, list(PHASES)),
        "comune": _chosen(comune, list(names)),
        "operatore": _chosen(operatore, operators),
    }
    shown = [
        r
        for r in rows
        if (filters["fase"] is None or r["phase"] == filters["fase"])
        and (filters["comune"] is None or r["municipality"] == filters["comune"])
        and (filters["operatore"] is None or r["operator"] == filters["operatore"])
    ]
    shown.sort(key=lambda r: (r["due_on"] is None, r["due_on"] or date.max))
    follow_ups = [(r, f) for r in shown for f in r["follow_ups_due"]]
    follow_ups.sort(key=lambda pair: pair[1]["due_on"])
    return pages_of(request).render(
        request,
        "pipeline.html",
        rows=shown,
        total=len(rows),
        follow_ups=follow_ups,
        filters=filters,
        operator_options=[(o, o) for o in operators],
        names=names,
        phase_names=PHASES,
        labels=labels,
        today=today,
    )


@router.get("/scadenze")
async def digest_page(
    request: Request,
    who: Staff,
    wiring: Fresh,
    operatore: Annotated[str | None, Query()] = None,
    giorno: Annotated[date | None, Query()] = None,
) -> Response:
    """The day's digest: an operator's own cases; the coordinator may read any operator's (or the untaken)."""
    svc, day = wiring.placements, giorno or today_of(request)
    rows = await open_cases(wiring.views.engine, svc.store, svc.territory, day)
    operators = sorted({r["operator"] for r in rows if r["operator"]})
    operator: str | None = who.user_id
    if who.role is Role.PLACEMENT_COORDINATOR and operatore is not None:
        operator = operatore or None  # an empty choice: the cases nobody has taken in yet
    found = operator_digest(rows, operator, svc.territory, day)
    operators = sorted({*operators, *([operator] if operator else [])})
    return pages_of(request).render(
        request,
        "digest.html",
        digest=found,
        operator_options=[(o, o) for o in operators],
        coordinator=who.role is Role.PLACEMENT_COORDINATOR,
        names=municipality_names(wiring),
        phase_names=PHASES,
        labels=labels,
    )
