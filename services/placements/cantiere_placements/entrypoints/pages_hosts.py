"""The host registry: company name, site address, sector, headcount, spare places under the regional rules in
force, tutors and suspension; registering a host, assigning its tutors, suspending and reinstating it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from cantiere_events import uuid7
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.errors import UserFacingError
from cantiere_web import N_, Form, flash, gettext, page_router, text
from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from cantiere_placements.adapters import queries
from cantiere_placements.bootstrap import Wiring
from cantiere_placements.domain import host as hst
from cantiere_placements.domain.errors import DomainError
from cantiere_placements.entrypoints import page_labels as labels
from cantiere_placements.entrypoints.deps import STAFF, who
from cantiere_placements.entrypoints.pages import Fresh, municipality_names, page_allow, pages_of, today_of
from cantiere_placements.entrypoints.routes_hosts import Registration, Suspension, Tutor

router = page_router()
Staff = Annotated[Principal, Depends(page_allow(*STAFF))]
Coordinator = Annotated[Principal, Depends(page_allow(Role.PLACEMENT_COORDINATOR))]
DECLARATIONS = {
    "no_layoffs_last_12_months": N_("Nessun licenziamento negli ultimi 12 mesi"),
    "safety_law_compliant": N_("In regola con la sicurezza sul lavoro (D.Lgs. 81/2008)"),
    "disability_quota_compliant": N_("In regola con le assunzioni obbligatorie (L. 68/1999)"),
    "collective_agreement_applied": N_("Applica il contratto collettivo"),
}


async def render_hosts(
    request: Request, who_: Principal, wiring: Wiring, *, status_code: int = 200, forms: dict[str, Form] | None = None
) -> Response:
    rules = wiring.placements.territory.rule_set_on(today_of(request))
    names = municipality_names(wiring)
    return pages_of(request).render(
        request,
        "hosts.html",
        status_code=status_code,
        here="/aziende",
        hosts=await queries.hosts_with_capacity(wiring.views.engine, rules),
        rule_set=rules,
        coordinator=who_.role is Role.PLACEMENT_COORDINATOR,
        forms=forms or {},
        names=names,
        declarations=DECLARATIONS,
        labels=labels,
    )


@router.get("/aziende")
async def hosts_page(request: Request, p: Staff, wiring: Fresh) -> Response:
    """Every host site with its places under the rules in force today."""
    return await render_hosts(request, p, wiring)


Action = Callable[[Form], Awaitable[Any]]


async def _act(
    request: Request, p: Principal, wiring: Wiring, section: str, form: Form, action: Action, done: str
) -> Response:
    if form.valid:
        try:
            await action(form)
        except ValidationError as invalid:
            form.add_validation_errors(invalid)
        except UserFacingError as refused:
            form.add_error("__all__", text(refused.message_it, refused.message_en))
        except DomainError as refused:
            form.add_error("__all__", text(refused.message_it, refused.message_en))
    if not form.valid:
        return await render_hosts(request, p, wiring, status_code=422, forms={section: form})
    flash(request, done)
    return RedirectResponse(f"/aziende#{section}", status_code=303)


@router.post("/aziende")
async def register(request: Request, p: Staff, wiring: Fresh) -> Response:
    """Register a host site (VAT number checked, every declaration required)."""
    form = Form.of(await request.form(), lists=("declarations",))

    async def action(f: Form) -> None:
        ticked = set(f.value("declarations", []))
        body = Registration(
            vat_number=f.text("vat_number") or "",
            site_municipality=f.text("site_municipality") or "",
            sector_code=f.text("sector_code") or "",
            permanent_headcount=f.text("permanent_headcount"),  # type: ignore[arg-type]
            declarations={name: name in ticked for name in DECLARATIONS},  # type: ignore[arg-type]
            company_name=f.text("company_name"),
            site_address=f.text("site_address"),
        )
        host_id = str(uuid7())
        command = hst.RegisterHost(host_id, **body.model_dump(exclude={"declarations"}), declarations=body.declarations)
        await wiring.placements.host(host_id, command, who(request, p))

    return await _act(request, p, wiring, "nuova", form, action, N_("Azienda registrata."))


@router.post("/aziende/{host_id}/tutor")
async def assign_tutor(request: Request, host_id: str, p: Staff, wiring: Fresh) -> Response:
    form = Form.of(await request.form())

    async def action(f: Form) -> None:
        body = Tutor(tutor_id=f.text("tutor_id") or "")
        await wiring.placements.host(host_id, hst.AssignHostTutor(body.tutor_id), who(request, p))

    return await _act(request, p, wiring, f"azienda-{host_id}", form, action, N_("Tutor assegnato."))


@router.post("/aziende/{host_id}/sospensione")
async def suspend(request: Request, host_id: str, p: Coordinator, wiring: Fresh) -> Response:
    form = Form.of(await request.form())
    if form.text("reason") not in labels.HOST_SUSPENSION_REASONS:
        form.add_error("reason", gettext("Scegli il motivo."))

    async def action(f: Form) -> None:
        body = Suspension(reason=f.text("reason"))  # type: ignore[arg-type]
        await wiring.placements.host(host_id, hst.SuspendHost(body.reason), who(request, p))

    return await _act(request, p, wiring, f"azienda-{host_id}", form, action, N_("Azienda sospesa."))


@router.post("/aziende/{host_id}/riattivazione")
async def reinstate(request: Request, host_id: str, p: Coordinator, wiring: Fresh) -> Response:
    form = Form.of(await request.form())

    async def action(_: Form) -> None:
        await wiring.placements.host(host_id, hst.ReinstateHost(), who(request, p))

    return await _act(request, p, wiring, f"azienda-{host_id}", form, action, N_("Azienda riattivata."))
