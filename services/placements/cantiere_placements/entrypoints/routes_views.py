"""Read-only views: the pipeline, the employment centre's validation queue, the allowance ledger and its CSV."""

from __future__ import annotations

from typing import Annotated, Any

from cantiere_runtime.auth import Principal, Role
from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse

from cantiere_placements.adapters import queries
from cantiere_placements.bootstrap import Wiring
from cantiere_placements.entrypoints.deps import STAFF, allow, fresh

router = APIRouter(tags=["views"])
Staff = Annotated[Principal, Depends(allow(*STAFF))]
Fresh = Annotated[Wiring, Depends(fresh)]


@router.get("/pipeline")
async def pipeline(_: Staff, wiring: Fresh) -> list[dict[str, Any]]:
    """Every open case by phase: what it waits for, and since when."""
    return await queries.pipeline(wiring.views.engine)


@router.get("/validation-queue")
async def validation_queue(
    p: Annotated[Principal, Depends(allow(Role.EMPLOYMENT_OFFICER, *STAFF))], wiring: Fresh
) -> list[dict[str, Any]]:
    """Training projects waiting for the employment centre: the centre sees only those of people who consent
    to sharing with it; the placement team sees each, and whether it is shared."""
    officer = p.role is Role.EMPLOYMENT_OFFICER
    return await queries.validation_queue(wiring.views.engine, shared_only=officer)


@router.get("/ledger")
async def ledger(_: Staff, wiring: Fresh, month: str | None = None) -> list[dict[str, Any]]:
    """The monthly allowance ledger."""
    return await queries.allowance_ledger(wiring.views.engine, month)


@router.get("/ledger.csv", response_class=PlainTextResponse)
async def ledger_csv(_: Staff, wiring: Fresh, month: str | None = None) -> PlainTextResponse:
    """The ledger as CSV for the payer."""
    rows = await queries.allowance_ledger(wiring.views.engine, month)
    return PlainTextResponse(queries.ledger_csv(rows), media_type="text/csv")
