"""The employment centre's pages: the training project to read in full, validate or return with a reason.

The validation queue is the officer's home page (``/``). ``/progetti/{placement_id}`` shows the project as
the PDF shows it (also for the placement team, without the forms), with the returns and the mandatory
notices recorded; the officer validates it or returns it with a reason and says what to correct.
"""

from __future__ import annotations

from typing import Annotated

from cantiere_runtime.auth import Principal, Role
from cantiere_web import N_, Form, flash, gettext, page_router
from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from cantiere_placements.bootstrap import Wiring
from cantiere_placements.domain.agreement import ValidateTrainingProject
from cantiere_placements.domain.errors import DomainError
from cantiere_placements.domain.placement_events import ProjectReturnReason
from cantiere_placements.domain.project_review import ReturnTrainingProject
from cantiere_placements.entrypoints.deps import STAFF, who
from cantiere_placements.entrypoints.pages import Fresh, page_allow
from cantiere_placements.entrypoints.pages_documents import checked, placement_documents
from cantiere_placements.service_layer.documents import Kind

router = page_router()
Officer = Annotated[Principal, Depends(page_allow(Role.EMPLOYMENT_OFFICER))]
Reader = Annotated[Principal, Depends(page_allow(*STAFF, Role.EMPLOYMENT_OFFICER))]
RETURN_REASONS = {
    ProjectReturnReason.OBJECTIVES: N_("Obiettivi formativi da chiarire"),
    ProjectReturnReason.HOURS_OR_SCHEDULE: N_("Ore o orario da rivedere"),
    ProjectReturnReason.DATES_OR_DURATION: N_("Date o durata da rivedere"),
    ProjectReturnReason.ALLOWANCE: N_("Indennità da rivedere"),
    ProjectReturnReason.TUTORS: N_("Tutor da indicare o correggere"),
    ProjectReturnReason.MISSING_DOCUMENTS: N_("Documenti mancanti"),
    ProjectReturnReason.OTHER: N_("Altro"),
}
NOTICE_KINDS = {"start": N_("Avvio"), "extension": N_("Proroga"), "end": N_("Cessazione")}
NOT_WAITING = N_("Il progetto non è più in attesa di convalida: la pagina mostra com'è ora.")


async def render_project(
    request: Request,
    placement_id: str,
    person: Principal,
    wiring: Wiring,
    *,
    form: Form | None = None,
    status: int = 200,
) -> Response:
    project = await placement_documents(wiring).project(placement_id, person, request.app.state.clock())
    waiting = project.validated_on is None and project.pending_return is None
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request,
        "employment_centre/project.html",
        status_code=status,
        here=f"/progetti/{placement_id}",
        project=project,
        pdf=f"/tirocini/{placement_id}/documenti/{Kind.PROJECT.value}-{placement_id[:8]}.pdf",
        may_decide=person.role is Role.EMPLOYMENT_OFFICER and waiting,
        form=form,
        return_reasons=RETURN_REASONS,
        notice_kinds=NOTICE_KINDS,
    )


@router.get("/progetti/{placement_id}")
async def project_page(request: Request, placement_id: str, person: Reader, wiring: Fresh) -> Response:
    """The training project in full, with the officer's forms while it waits for validation."""
    return await render_project(request, checked(placement_id), person, wiring)


@router.post("/progetti/{placement_id}/convalida")
async def validate(request: Request, placement_id: str, officer: Officer, wiring: Fresh) -> Response:
    """Validate the training project."""
    try:
        await wiring.placements.placement(checked(placement_id), ValidateTrainingProject(), who(request, officer))
    except DomainError:
        return await _refused(request, placement_id, officer, wiring)
    flash(request, N_("Progetto formativo convalidato."))
    return RedirectResponse("/", status_code=303)


@router.post("/progetti/{placement_id}/restituzione")
async def send_back(request: Request, placement_id: str, officer: Officer, wiring: Fresh) -> Response:
    """Return the training project to the consortium, with a reason and what to correct."""
    form = Form.of(await request.form())
    reason = form.text("reason")
    explanation = form.text("explanation")
    if reason not in {r.value for r in ProjectReturnReason}:
        form.add_error("reason", gettext("Scegli il motivo della restituzione."))
    if not explanation:
        form.add_error("explanation", gettext("Scrivi che cosa il consorzio deve correggere."))
    elif len(explanation) > 500:
        form.add_error("explanation", gettext("Il testo è troppo lungo."))
    if not form.valid:
        return await render_project(request, checked(placement_id), officer, wiring, form=form, status=422)
    command = ReturnTrainingProject(ProjectReturnReason(str(reason)), str(explanation))
    try:
        await wiring.placements.placement(checked(placement_id), command, who(request, officer))
    except DomainError:
        return await _refused(request, placement_id, officer, wiring)
    flash(request, N_("Progetto formativo restituito al consorzio."))
    return RedirectResponse("/", status_code=303)


async def _refused(request: Request, placement_id: str, officer: Principal, wiring: Wiring) -> Response:
    form = Form()
    form.add_error("__all__", gettext(NOT_WAITING))
    await wiring.fresh()
    return await render_project(request, checked(placement_id), officer, wiring, form=form, status=409)
