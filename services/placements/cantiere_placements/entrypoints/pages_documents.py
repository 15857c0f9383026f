"""A placement's documents as pages: the list of what can be downloaded now, and each PDF.

``/tirocini/{placement_id}/documenti`` lists them (the placement's page links here, or includes the
``documents/_links.html`` macro); each downloads from ``/tirocini/{placement_id}/documenti/<file>.pdf``.
Who may have which is decided by the service layer (``PlacementDocuments``), as for the JSON route.
"""

from __future__ import annotations

import re
from typing import Annotated

from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.errors import NotFound
from cantiere_web import N_, page_router
from fastapi import Depends, Request
from fastapi.responses import Response

from cantiere_placements.bootstrap import Wiring
from cantiere_placements.entrypoints.deps import STAFF
from cantiere_placements.entrypoints.pages import Fresh, page_allow
from cantiere_placements.service_layer.documents import Kind, PlacementDocuments

router = page_router()
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
FILE = re.compile(r"^(?P<kind>[a-z-]+?)(?:-(?P<month>(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])))?-[0-9a-f]{8}$")
Reader = Annotated[Principal, Depends(page_allow(*STAFF, Role.COMPANY_TUTOR, Role.EMPLOYMENT_OFFICER))]
DOCUMENT_NAMES = {
    Kind.AGREEMENT: N_("Convenzione di tirocinio"),
    Kind.PROJECT: N_("Progetto formativo individuale"),
    Kind.REGISTER: N_("Registro mensile delle presenze"),
    Kind.ATTESTATION: N_("Attestazione delle competenze"),
}


def placement_documents(wiring: Wiring) -> PlacementDocuments:
    """The documents' service over the wiring the JSON routes use too."""
    return PlacementDocuments(
        wiring.placements.store, wiring.placements.commands, wiring.vault, wiring.placements.territory
    )


def checked(placement_id: str) -> str:
    """A placement id from a path: a UUID, or the page is not found."""
    if not UUID.match(placement_id):
        raise NotFound("Tirocinio non trovato.", "No such internship.")
    return placement_id


def pdf_answer(filename: str, pdf: bytes) -> Response:
    """A PDF to save (the file name holds the document's kind and a short placement id, nothing personal)."""
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("/tirocini/{placement_id}/documenti")
async def documents_page(request: Request, placement_id: str, who: Reader, wiring: Fresh) -> Response:
    """The documents of a placement this person may download now."""
    found = await placement_documents(wiring).available(checked(placement_id), who)
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request,
        "documents/list.html",
        placement_id=placement_id,
        documents=found,
        document_names=DOCUMENT_NAMES,
    )


@router.get("/tirocini/{placement_id}/documenti/{filename}.pdf")
async def download(request: Request, placement_id: str, filename: str, who: Reader, wiring: Fresh) -> Response:
    """One document as PDF/A-2b."""
    parsed = FILE.match(filename)
    if parsed is None or parsed["kind"] not in {k.value for k in Kind}:
        raise NotFound("Documento non trovato.", "No such document.")
    kind, month = Kind(parsed["kind"]), parsed["month"]
    name, pdf = await placement_documents(wiring).pdf(
        checked(placement_id), kind, who, request.app.state.clock(), month
    )
    return pdf_answer(name, pdf)
