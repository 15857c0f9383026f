"""Document routes of the JSON API: which documents a placement has now, and each as PDF/A-2b."""

from __future__ import annotations

from typing import Annotated, Any

from cantiere_events.values import Month, PlacementId
from cantiere_runtime.auth import Principal, Role
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from cantiere_placements.bootstrap import Wiring
from cantiere_placements.entrypoints.deps import STAFF, allow, fresh, who
from cantiere_placements.entrypoints.pages_documents import pdf_answer, placement_documents
from cantiere_placements.service_layer.documents import Kind

router = APIRouter(prefix="/placements", tags=["documents"])
Reader = Annotated[Principal, Depends(allow(*STAFF, Role.COMPANY_TUTOR, Role.EMPLOYMENT_OFFICER))]
Fresh = Annotated[Wiring, Depends(fresh)]


@router.get("/{placement_id}/documents")
async def documents(placement_id: PlacementId, p: Reader, wiring: Fresh) -> list[dict[str, Any]]:
    """The documents the caller may download now: staff all, a company tutor its own host's, the employment
    centre the training project of people who consent to sharing with it."""
    found = await placement_documents(wiring).available(placement_id, p)
    return [{"kind": d.kind.value, "month": d.month, "filename": d.filename} for d in found]


@router.get("/{placement_id}/documents/{kind}", response_class=Response)
async def document(
    request: Request, placement_id: PlacementId, kind: Kind, p: Reader, wiring: Fresh, month: Month | None = None
) -> Response:
    """One document as PDF/A-2b (``month=YYYY-MM`` for an attendance register)."""
    name, pdf = await placement_documents(wiring).pdf(placement_id, kind, p, who(request, p).now, month)
    return pdf_answer(name, pdf)
