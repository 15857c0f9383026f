"""Candidate routes: intake decisions, skills, the file, suggested hosts, contact details on demand."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from cantiere_events.codes import DeclineReason
from cantiere_events.values import EscoConcept, PersonId, ProgrammeCode
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.errors import NotFound
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from cantiere_placements.adapters import queries
from cantiere_placements.bootstrap import Wiring
from cantiere_placements.domain import candidate as cand
from cantiere_placements.entrypoints.deps import STAFF, allow, fresh, safety_intake_flowing, service, who
from cantiere_placements.service_layer.contacts import contact_details, keep_first_name
from cantiere_placements.service_layer.handlers import Placements
from cantiere_placements.service_layer.suggestions import suggested_hosts

router = APIRouter(prefix="/candidates", tags=["candidates"])
Staff = Annotated[Principal, Depends(allow(*STAFF))]
Svc = Annotated[Placements, Depends(service)]
Fresh = Annotated[Wiring, Depends(fresh)]
Stage = Literal["referred", "accepted", "declined", "placed", "erased"]


class Decline(BaseModel):
    """Why the referral is declined."""

    reason: DeclineReason


class Interview(BaseModel):
    """When the intake interview took place."""

    held_on: date


class Skills(BaseModel):
    """Competences assessed (programme codes) and ESCO concepts where known."""

    competences: tuple[ProgrammeCode, ...] = Field(min_length=1, max_length=100)
    esco_skills: tuple[EscoConcept, ...] = Field(default=(), max_length=100)


class FirstName(BaseModel):
    """The first name the host's pages will show (kept only in the placements vault)."""

    first_name: str = Field(min_length=1, max_length=100)


class Why(BaseModel):
    """Why the operator needs the contact details (kept in the audit log)."""

    why: str = Field(min_length=3, max_length=200)


def _view(state: cand.Candidate) -> dict[str, Any]:
    return {"person_id": state.person_id, "stage": state.stage, "placeable": state.placeable}


async def _run(request: Request, svc: Placements, p: Principal, person_id: PersonId, command: cand.Command) -> Any:
    return _view(await svc.candidate(person_id, command, who(request, p)))


@router.post("/{person_id}/accept")
async def accept(request: Request, person_id: PersonId, p: Staff, svc: Svc) -> dict[str, Any]:
    """Accept a referral."""
    return await _run(request, svc, p, person_id, cand.AcceptReferral())  # type: ignore[no-any-return]


@router.post("/{person_id}/decline")
async def decline(request: Request, person_id: PersonId, body: Decline, p: Staff, svc: Svc) -> dict[str, Any]:
    """Decline a referral with a reason code."""
    return await _run(request, svc, p, person_id, cand.DeclineReferral(body.reason))  # type: ignore[no-any-return]


@router.post("/{person_id}/intake-interview")
async def interview(request: Request, person_id: PersonId, body: Interview, p: Staff, svc: Svc) -> dict[str, Any]:
    """Record the intake interview."""
    return await _run(request, svc, p, person_id, cand.HoldIntakeInterview(body.held_on))  # type: ignore[no-any-return]


@router.post("/{person_id}/skills")
async def skills(request: Request, person_id: PersonId, body: Skills, p: Staff, svc: Svc) -> dict[str, Any]:
    """Record the skills assessment."""
    command = cand.AssessSkills(body.competences, body.esco_skills)
    return await _run(request, svc, p, person_id, command)  # type: ignore[no-any-return]


@router.get("")
async def candidates(_: Staff, wiring: Fresh, stage: Stage | None = None) -> list[dict[str, Any]]:
    """Candidates at a stage (referred, accepted, declined, placed, erased), or all; longest waiting first."""
    return await queries.candidates_at(wiring.views.engine, stage)


@router.get("/{person_id}/reads")
async def reads(
    person_id: PersonId,
    _: Annotated[Principal, Depends(allow(Role.PLACEMENT_COORDINATOR, Role.AUDITOR))],
    wiring: Fresh,
) -> list[dict[str, Any]]:
    """The audit log of this person's personal-data reads at the consortium (coordinator, auditor)."""
    return await queries.personal_data_reads_of(wiring.views.engine, person_id)


@router.get("/{person_id}")
async def candidate_file(person_id: PersonId, _: Staff, wiring: Annotated[Wiring, Depends(fresh)]) -> dict[str, Any]:
    """A candidate's file."""
    found = await queries.candidate_file(wiring.views.engine, person_id)
    if found is None:
        raise NotFound("Nessuna segnalazione per questa persona.", "No referral for this person.")
    return found


@router.get("/{person_id}/suggestions", dependencies=[Depends(safety_intake_flowing)])
async def suggestions(
    request: Request, person_id: PersonId, _: Staff, wiring: Annotated[Wiring, Depends(fresh)], hours_per_week: int = 20
) -> list[dict[str, Any]]:
    """Hosts every local safety check accepts for this candidate, best first (clearance is asked on proposal)."""
    found = await suggested_hosts(
        wiring.placements, wiring.views.engine, person_id, who(request, _).today, hours_per_week
    )
    return [s.__dict__ for s in found]


@router.post("/{person_id}/contact-details")
async def contacts(request: Request, person_id: PersonId, body: Why, p: Staff, svc: Svc) -> dict[str, Any]:
    """The person's contact details from the referring municipality: shown now, never stored, audited."""
    found = await contact_details(svc, person_id, p, body.why, who(request, p))
    if found is None:
        raise NotFound(
            "Il comune non condivide ora i contatti di questa persona.",
            "The municipality does not share this person's contact details now.",
        )
    return {"person_id": person_id, "contact": found}


@router.put("/{person_id}/first-name", status_code=204)
async def first_name(
    request: Request, person_id: PersonId, body: FirstName, p: Staff, wiring: Annotated[Wiring, Depends(fresh)]
) -> None:
    """Keep the first name for the host tutor's page, encrypted in the placements vault (refused once erased)."""
    await keep_first_name(wiring.placements, wiring.vault, person_id, body.first_name, who(request, p))
