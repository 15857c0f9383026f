"""HTTP routes of the referrals service: social workers and their head, of this municipality only."""

from __future__ import annotations

from typing import Annotated, Any

from cantiere_events.codes import ClosureReason, ConsentScope, ErasureBasis, ReferralWithdrawalReason
from cantiere_events.values import PersonId
from cantiere_runtime.auth import Principal, Role, current_principal, require
from cantiere_runtime.errors import Forbidden
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from cantiere_referrals.adapters.vault import ReadPurpose
from cantiere_referrals.domain import commands as c
from cantiere_referrals.entrypoints import views
from cantiere_referrals.entrypoints.schemas import (
    Created,
    PersonFile,
    PersonWithIdentity,
    RegisterPersonBody,
    SafetyConstraintsBody,
)
from cantiere_referrals.service_layer.handlers import Referrals

Worker = Annotated[Principal, Depends(require(Role.SOCIAL_WORKER, Role.MUNICIPAL_MANAGER))]
Auditor = Annotated[Principal, Depends(require(Role.MUNICIPAL_MANAGER, Role.AUDITOR))]

router = APIRouter(tags=["people"])


def referrals_of(request: Request, partner: str) -> Referrals:
    """The service layer of the caller's own municipality (a process may serve each of an ambito's)."""
    found: Referrals | None = request.app.state.referrals_by_partner.get(partner)
    if found is None:
        raise Forbidden("Questi dati appartengono a un altro ente.", "These data belong to another partner.")
    return found


async def _referrals(request: Request, principal: Annotated[Principal, Depends(current_principal)]) -> Referrals:
    return referrals_of(request, principal.partner)


Service = Annotated[Referrals, Depends(_referrals)]


class ReasonBody(BaseModel):
    """Why a referral is withdrawn."""

    reason: ReferralWithdrawalReason


class ClosureBody(BaseModel):
    """Why a referral is closed."""

    reason: ClosureReason


class ErasureBody(BaseModel):
    """On which ground personal data are erased."""

    basis: ErasureBasis


@router.post("/people", status_code=201, summary="Register a person (identity goes to the vault)")
async def register(body: RegisterPersonBody, who: Worker, svc: Service) -> Created:
    profile = body.profile.model_dump()
    return Created(id=await svc.register(who, body.personal_data, profile, body.district))


@router.get("/people/{person_id}", summary="Read a person's file and personal data (audited; reason required)")
async def read_person(
    person_id: PersonId, who: Worker, svc: Service, reason: Annotated[ReadPurpose, Query()]
) -> PersonWithIdentity:
    state, data = await svc.read_personal_data(who, person_id, reason)
    return PersonWithIdentity(file=PersonFile.of(state), personal_data=data)


@router.get("/people/{person_id}/file", summary="A person's file without identity (not a personal-data read)")
async def person_file(person_id: PersonId, who: Worker, svc: Service) -> PersonFile:
    return PersonFile.of(await svc.person(who, person_id))


@router.post("/people/{person_id}/consents", summary="Record consent for one scope")
async def record_consent(person_id: PersonId, body: c.RecordConsent, who: Worker, svc: Service) -> PersonFile:
    return PersonFile.of(await svc.handle(who, person_id, body))


@router.post("/people/{person_id}/consents/{scope}/withdrawal", summary="Withdraw consent for one scope")
async def withdraw_consent(person_id: PersonId, scope: ConsentScope, who: Worker, svc: Service) -> PersonFile:
    return PersonFile.of(await svc.handle(who, person_id, c.WithdrawConsent(scope=scope)))


@router.post("/people/{person_id}/eligibility", summary="Confirm eligibility")
async def confirm_eligibility(person_id: PersonId, body: c.ConfirmEligibility, who: Worker, svc: Service) -> PersonFile:
    return PersonFile.of(await svc.handle(who, person_id, body))


@router.put("/people/{person_id}/safety-constraints", summary="Record the complete safety constraints")
async def safety_constraints(person_id: PersonId, body: SafetyConstraintsBody, who: Worker, svc: Service) -> PersonFile:
    fields = body.model_dump(exclude={"keep_apart_tax_codes"})
    fields["hour_windows"] = body.hour_windows
    return PersonFile.of(await svc.record_constraints(who, person_id, list(body.keep_apart_tax_codes), **fields))


@router.post("/people/{person_id}/referrals", status_code=201, summary="Submit a referral to the consortium")
async def submit(person_id: PersonId, who: Worker, svc: Service) -> Created:
    return Created(id=await svc.submit(who, person_id))


@router.post("/people/{person_id}/referrals/current/withdrawal", summary="Withdraw the open referral")
async def withdraw(person_id: PersonId, body: ReasonBody, who: Worker, svc: Service) -> PersonFile:
    return PersonFile.of(await svc.handle(who, person_id, c.WithdrawReferral(reason=body.reason)))


@router.post("/people/{person_id}/referrals/current/closure", summary="Close the open referral")
async def close(person_id: PersonId, body: ClosureBody, who: Worker, svc: Service) -> PersonFile:
    return PersonFile.of(await svc.handle(who, person_id, c.CloseReferral(reason=body.reason)))


@router.post("/people/{person_id}/erasure", summary="Erase the person's personal data (GDPR art. 17)")
async def erase(person_id: PersonId, body: ErasureBody, who: Worker, svc: Service) -> PersonFile:
    return PersonFile.of(await svc.handle(who, person_id, c.ErasePersonalData(basis=body.basis)))


@router.get("/people/{person_id}/timeline", summary="A person's journey, including the consortium's events")
async def timeline(person_id: PersonId, who: Worker, svc: Service) -> list[dict[str, Any]]:
    await svc.person(who, person_id)
    return await views.timeline(svc.engine, person_id)


@router.get("/people/{person_id}/reads", summary="Who read this person's personal data, when and why")
async def reads(person_id: PersonId, who: Auditor, svc: Service) -> list[dict[str, Any]]:
    await svc.person(who, person_id)
    return await views.reads(svc.engine, person_id)


@router.get("/caseload", summary="People followed, by social worker and district")
async def caseload(who: Worker, svc: Service, social_worker: str | None = None) -> list[dict[str, Any]]:
    return await views.caseload(svc.engine, district=who.district, social_worker=social_worker)


@router.get("/referrals", summary="Referrals by status")
async def referrals(who: Worker, svc: Service, status: str | None = None) -> list[dict[str, Any]]:
    return await views.referrals(svc.engine, district=who.district, status=status)
