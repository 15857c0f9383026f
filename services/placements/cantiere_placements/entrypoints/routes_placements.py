"""Placement routes: propose (safe matching), then every step from acceptance to the closed case."""

from decimal import Decimal
from typing import Annotated, Any

from cantiere_events.common import HourWindow
from cantiere_events.values import HostId, Month, PersonId, PlacementId
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.errors import Unprocessable
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from cantiere_placements.domain import agreement as ag
from cantiere_placements.domain import running as run
from cantiere_placements.domain.placement import Command
from cantiere_placements.domain.placement_events import ProjectReturnReason
from cantiere_placements.domain.placement_state import Placement
from cantiere_placements.domain.project_review import ReturnTrainingProject
from cantiere_placements.domain.values import Acting
from cantiere_placements.entrypoints.deps import STAFF, allow, safety_intake_flowing, service, who
from cantiere_placements.service_layer.handlers import Placements
from cantiere_placements.service_layer.matching import propose_placement

router = APIRouter(prefix="/placements", tags=["placements"])
Staff = Annotated[Principal, Depends(allow(*STAFF))]
Officer = Annotated[Principal, Depends(allow(Role.EMPLOYMENT_OFFICER))]
StaffOrTutor = Annotated[Principal, Depends(allow(*STAFF, Role.COMPANY_TUTOR))]
Svc = Annotated[Placements, Depends(service)]


class Propose(BaseModel):
    """Whom to place where, for how many hours a week."""

    person_id: PersonId
    host_id: HostId
    hours_per_week: int = Field(ge=1, le=48)
    schedule: tuple[HourWindow, ...] = Field(default=(), max_length=21)  # weekly slots, local time


class Attendance(BaseModel):
    """A month's planned and attended hours."""

    month: Month
    planned_hours: Decimal = Field(ge=0, le=744)
    attended_hours: Decimal = Field(ge=0, le=744)


class ProjectReturn(BaseModel):
    """Why the employment centre returns the project, and what to correct (kept by the consortium only)."""

    reason: ProjectReturnReason
    explanation: str = Field(min_length=1, max_length=500)


def view(state: Placement) -> dict[str, Any]:
    """What a command answers: where the placement stands now."""
    return {
        "placement_id": state.placement_id,
        "status": state.status,
        "returned": state.returned is not None,
        "ends_on": state.ends_on,
        "allowances": state.allowances,
        "follow_ups": list(state.follow_ups),
    }


async def _run(
    request: Request, svc: Placements, p: Principal, placement_id: PlacementId, command: Command
) -> dict[str, Any]:
    return view(await svc.placement(placement_id, command, who(request, p)))


@router.post("", status_code=201, dependencies=[Depends(safety_intake_flowing)])
async def propose(request: Request, body: Propose, p: Staff, svc: Svc) -> dict[str, Any]:
    """Propose a placement: refused with the name of the failed check, or proposed."""
    result = await propose_placement(
        svc, body.person_id, body.host_id, body.hours_per_week, who(request, p), body.schedule
    )
    if result.refused is not None:
        raise Unprocessable(
            f"Inserimento rifiutato dal controllo: {result.refused}.",
            f"Placement refused by check: {result.refused}.",
            code=f"refused_{result.refused}",
        )
    return {"placement_id": result.placement_id, "status": "proposed"}


@router.post("/{placement_id}/validate")
async def validate(request: Request, placement_id: PlacementId, p: Officer, svc: Svc) -> dict[str, Any]:
    """The employment centre validates the training project."""
    return await _run(request, svc, p, placement_id, ag.ValidateTrainingProject())


@router.post("/{placement_id}/return")
async def send_back(
    request: Request, placement_id: PlacementId, body: ProjectReturn, p: Officer, svc: Svc
) -> dict[str, Any]:
    """The employment centre returns the training project for correction, with a reason; the consortium
    resubmits it by approving the corrected project (``training-project``)."""
    return await _run(request, svc, p, placement_id, ReturnTrainingProject(body.reason, body.explanation))


@router.post("/{placement_id}/attendance")
async def attendance(
    request: Request, placement_id: PlacementId, body: Attendance, p: StaffOrTutor, svc: Svc
) -> dict[str, Any]:
    """Close a month's attendance (a company tutor only for its own interns)."""
    acting = Acting(p.role is Role.COMPANY_TUTOR, p.host_id)
    command = run.CloseAttendanceMonth(body.month, body.planned_hours, body.attended_hours, acting)
    return await _run(request, svc, p, placement_id, command)


@router.post("/{placement_id}/allowances/{month}/calculate")
async def calculate(request: Request, placement_id: PlacementId, month: Month, p: Staff, svc: Svc) -> dict[str, Any]:
    """Calculate a month's allowance from the rules and the attendance."""
    return await _run(request, svc, p, placement_id, run.CalculateAllowance(month))


@router.post("/{placement_id}/allowances/{month}/pay")
async def pay(request: Request, placement_id: PlacementId, month: Month, p: Staff, svc: Svc) -> dict[str, Any]:
    """Record a month's allowance as paid."""
    return await _run(request, svc, p, placement_id, run.PayAllowance(month))


@router.post("/{placement_id}/close")
async def close(request: Request, placement_id: PlacementId, body: run.CloseCase, p: Staff, svc: Svc) -> dict[str, Any]:
    """Close the case."""
    return await _run(request, svc, p, placement_id, body)


# Commands whose body is the command itself, for the placement team.
STAFF_COMMANDS: dict[str, Any] = {
    "accept": ag.AcceptPlacement,
    "reject": ag.RejectPlacement,
    "agreement": ag.SignAgreement,
    "training-project": ag.ApproveTrainingProject,
    "notices": ag.FileMandatoryNotice,
    "start": ag.StartInternship,
    "visits": run.LogTutorVisit,
    "suspend": run.SuspendInternship,
    "resume": run.ResumeInternship,
    "extend": run.ExtendInternship,
    "interrupt": run.InterruptInternship,
    "incidents": run.FlagSafetyIncident,
    "complete": run.CompleteInternship,
    "attestation": run.IssueCompetenceAttestation,
    "follow-ups": run.RecordFollowUp,
}


def _add(path: str, model: Any) -> None:
    async def route(request: Request, placement_id: PlacementId, body: model, p: Staff, svc: Svc) -> dict[str, Any]:  # type: ignore[valid-type]
        return await _run(request, svc, p, placement_id, body)

    route.__doc__ = (model.__doc__ or path).strip().splitlines()[0]
    router.post(f"/{{placement_id}}/{path}", name=path.replace("-", "_"), summary=route.__doc__)(route)


for _path, _model in STAFF_COMMANDS.items():
    _add(_path, _model)

__all__ = ["router"]
