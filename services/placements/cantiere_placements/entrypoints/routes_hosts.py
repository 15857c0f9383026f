"""Host routes: registration, tutors, suspension, the list with capacity, the company tutor's page."""

from __future__ import annotations

from typing import Annotated, Any

from cantiere_events import uuid7
from cantiere_events.codes import HostSuspensionReason
from cantiere_events.common import HostDeclarations
from cantiere_events.values import HostId, MunicipalityCode, SectorCode, TutorId
from cantiere_runtime.auth import Principal, Role
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from cantiere_placements.adapters import queries
from cantiere_placements.bootstrap import Wiring
from cantiere_placements.domain import host as hst
from cantiere_placements.entrypoints.deps import STAFF, allow, fresh, service, who
from cantiere_placements.service_layer.handlers import Placements
from cantiere_placements.service_layer.host_page import host_interns

router = APIRouter(prefix="/hosts", tags=["hosts"])
Staff = Annotated[Principal, Depends(allow(*STAFF))]
Coordinator = Annotated[Principal, Depends(allow(Role.PLACEMENT_COORDINATOR))]
Svc = Annotated[Placements, Depends(service)]
Fresh = Annotated[Wiring, Depends(fresh)]


class Registration(BaseModel):
    """A host site joining the programme."""

    vat_number: str = Field(min_length=11, max_length=13)
    site_municipality: MunicipalityCode
    sector_code: SectorCode
    permanent_headcount: int = Field(ge=0, le=1_000_000)
    declarations: HostDeclarations
    company_name: str | None = Field(default=None, max_length=200)  # kept by the consortium, never published
    site_address: str | None = Field(default=None, max_length=300)  # kept by the consortium, never published


class Tutor(BaseModel):
    """A company tutor's user id."""

    tutor_id: TutorId


class Suspension(BaseModel):
    """Why the host is suspended."""

    reason: HostSuspensionReason


def _view(state: hst.Host) -> dict[str, Any]:
    return {"host_id": state.host_id, "active": state.active, "tutors": list(state.tutors)}


@router.post("", status_code=201)
async def register(request: Request, body: Registration, p: Staff, svc: Svc) -> dict[str, Any]:
    """Register a host site (VAT number validated, every declaration required)."""
    return await _register(request, str(uuid7()), body, p, svc)


@router.put("/{host_id}", status_code=201)
async def register_as(request: Request, host_id: HostId, body: Registration, p: Staff, svc: Svc) -> dict[str, Any]:
    """Register a host site under an id the caller chose (a partner's own registry id, or the host a company
    tutor's sign-in already names); 409 if that id is taken."""
    return await _register(request, host_id, body, p, svc)


async def _register(
    request: Request, host_id: str, body: Registration, p: Principal, svc: Placements
) -> dict[str, Any]:
    command = hst.RegisterHost(host_id, **body.model_dump(exclude={"declarations"}), declarations=body.declarations)
    return _view(await svc.host(host_id, command, who(request, p)))


@router.post("/{host_id}/tutors")
async def assign_tutor(request: Request, host_id: HostId, body: Tutor, p: Staff, svc: Svc) -> dict[str, Any]:
    """Assign a company tutor to the host."""
    return _view(await svc.host(host_id, hst.AssignHostTutor(body.tutor_id), who(request, p)))


@router.post("/{host_id}/suspend")
async def suspend(request: Request, host_id: HostId, body: Suspension, p: Coordinator, svc: Svc) -> dict[str, Any]:
    """Stop placing people at the host (coordinator)."""
    return _view(await svc.host(host_id, hst.SuspendHost(body.reason), who(request, p)))


@router.post("/{host_id}/reinstate")
async def reinstate(request: Request, host_id: HostId, p: Coordinator, svc: Svc) -> dict[str, Any]:
    """Let the host receive interns again (coordinator)."""
    return _view(await svc.host(host_id, hst.ReinstateHost(), who(request, p)))


@router.get("")
async def hosts(request: Request, p: Staff, wiring: Fresh) -> list[dict[str, Any]]:
    """Hosts with places taken and spare places under the rules in force today."""
    rules = wiring.placements.territory.rule_set_on(who(request, p).today)
    return await queries.hosts_with_capacity(wiring.views.engine, rules)


@router.get("/{host_id}/interns")
async def tutor_page(
    request: Request,
    host_id: HostId,
    p: Annotated[Principal, Depends(allow(*STAFF, Role.COMPANY_TUTOR))],
    wiring: Fresh,
) -> list[dict[str, Any]]:
    """The company tutor's page: its interns' role, schedule and attendance, and the first name of those who
    consent to minimal data going to the host; nothing else."""
    return await host_interns(wiring.placements.commands, wiring.vault, host_id, p, who(request, p).now)
