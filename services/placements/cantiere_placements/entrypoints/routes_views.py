"""Read-only views: the pipeline, keep-apart conflicts, the employment centre's queue, the allowance ledger."""

from __future__ import annotations

from typing import Annotated, Any

from cantiere_events.values import Month
from cantiere_runtime.auth import Principal, Role
from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse

from cantiere_placements.adapters import queries
from cantiere_placements.bootstrap import Wiring
from cantiere_placements.entrypoints.deps import STAFF, allow, fresh, service, who
from cantiere_placements.service_layer.handlers import Placements
from cantiere_placements.service_layer.safety_review import referred_more_than_once, safety_conflicts
from cantiere_placements.service_layer.work_queue import open_cases

router = APIRouter(tags=["views"])
Staff = Annotated[Principal, Depends(allow(*STAFF))]
Coordinator = Annotated[Principal, Depends(allow(Role.PLACEMENT_COORDINATOR))]
Fresh = Annotated[Wiring, Depends(fresh)]
Svc = Annotated[Placements, Depends(service)]


@router.get("/pipeline")
async def pipeline(request: Request, p: Staff, wiring: Fresh) -> list[dict[str, Any]]:
    """Every open case by phase: what it waits for, since when, its municipality and operator, ``due_on`` and
    ``overdue`` from the territory's standard phase durations, the follow-ups still to record;
    ``safety_review`` marks a placement in a keep-apart conflict (details, without the reason, at
    ``/safety-conflicts``); ``referred_more_than_once`` marks a candidate another referral names as the same
    person (the coordinator also sees the shared token in ``same_person_token``, never an identity; groups at
    ``/referred-more-than-once``)."""
    svc = wiring.placements
    coordinator = p.role is Role.PLACEMENT_COORDINATOR
    return await open_cases(
        wiring.views.engine, svc.store, svc.territory, who(request, p).today, with_tokens=coordinator
    )


@router.get("/referred-more-than-once")
async def same_person_referrals(_: Coordinator, svc: Svc) -> list[dict[str, Any]]:
    """Candidates that are one person, referred more than once (by two municipalities at once, or twice): by a
    token they share, never an identity. Matching already treats each group as one person for keep-apart; the
    coordinator asks the municipalities to keep one referral. For the coordinator only."""
    return [{"token": g.token, "person_ids": list(g.person_ids)} for g in await referred_more_than_once(svc.store)]


@router.get("/safety-conflicts")
async def keep_apart_conflicts(request: Request, p: Coordinator, svc: Svc) -> list[dict[str, Any]]:
    """Pairs of placements at the same host whose people must be kept apart, because a link or a token arrived
    after both took their place: computed now from the occupants' current tokens. For the coordinator only, and
    without the people: never a person id, a token, or which of the two must avoid the other (DESIGN §4)."""
    now = who(request, p).now
    return [
        {"host_id": c.host_id, "placement_ids": sorted(c.placement_ids), "detected_at": now}
        for c in await safety_conflicts(svc.store)
    ]


@router.get("/validation-queue")
async def validation_queue(
    p: Annotated[Principal, Depends(allow(Role.EMPLOYMENT_OFFICER, *STAFF))], wiring: Fresh
) -> list[dict[str, Any]]:
    """Training projects waiting for the employment centre: the centre sees only those of people who consent
    to sharing with it; the placement team sees each, and whether it is shared."""
    officer = p.role is Role.EMPLOYMENT_OFFICER
    return await queries.validation_queue(wiring.views.engine, shared_only=officer)


@router.get("/ledger")
async def ledger(_: Staff, wiring: Fresh, month: Month | None = None) -> list[dict[str, Any]]:
    """The monthly allowance ledger."""
    return await queries.allowance_ledger(wiring.views.engine, month)


@router.get("/ledger.csv", response_class=PlainTextResponse)
async def ledger_csv(_: Staff, wiring: Fresh, month: Month | None = None) -> PlainTextResponse:
    """The ledger as CSV for the payer."""
    rows = await queries.allowance_ledger(wiring.views.engine, month)
    return PlainTextResponse(queries.ledger_csv(rows), media_type="text/csv")
