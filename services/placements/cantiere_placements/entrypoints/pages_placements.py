"""A placement's page: where it stands, its deadline, every step from acceptance to closure as a form, its
months and allowances, and the place where its documents are offered."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from cantiere_events import uuid7
from cantiere_runtime.auth import Principal
from cantiere_runtime.errors import NotFound, UserFacingError
from cantiere_web import Form, flash, gettext, page_router, text
from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError

from cantiere_placements.adapters import queries
from cantiere_placements.bootstrap import Wiring
from cantiere_placements.domain import host as hst
from cantiere_placements.domain import placement as plc
from cantiere_placements.domain.deadlines import OpenCase, deadline
from cantiere_placements.domain.errors import DomainError
from cantiere_placements.entrypoints import page_labels as labels
from cantiere_placements.entrypoints.deps import STAFF, who
from cantiere_placements.entrypoints.pages import PHASES, Fresh, municipality_names, page_allow, pages_of, today_of
from cantiere_placements.entrypoints.placement_steps import BY_SLUG, STEPS, Step, input_name
from cantiere_placements.service_layer.unit import host_stream, load, placement_stream
from cantiere_placements.service_layer.work_queue import standards_of

router = page_router()
Staff = Annotated[Principal, Depends(page_allow(*STAFF))]


async def render_placement(
    request: Request, wiring: Wiring, placement_id: str, *, status_code: int = 200, forms: dict[str, Form] | None = None
) -> Response:
    svc = wiring.placements
    state, _v = await load(svc.store, plc.placement_decider, placement_stream(placement_id))
    row = await queries.placement_row(wiring.views.engine, placement_id)
    if state is None or row is None:
        raise NotFound("Nessun inserimento con questo codice.", "No placement with this id.")
    host, _h = await load(svc.store, hst.host_decider, host_stream(state.host_id))
    case = OpenCase(row["status"], row["waiting_for"], row["since"], row["ends_on"], tuple(row["follow_ups"] or ()))
    due = (
        deadline(case, standards_of(svc.territory), today_of(request))
        if row["status"] not in ("closed", "rejected")
        else None
    )
    return pages_of(request).render(
        request,
        "placement.html",
        status_code=status_code,
        here=f"/tirocini/{placement_id}",
        state=state,
        row=row,
        host=await queries.host_row(wiring.views.engine, state.host_id),
        due=due,
        steps=[s for s in STEPS if state.status in s.when],
        tutor_options=[(t, t[:8]) for t in (host.tutors if host else ())],
        forms=forms or {},
        input_name=input_name,
        labels=labels,
        phase_names=PHASES,
        names=municipality_names(wiring),
    )


@router.get("/tirocini/{placement_id}")
async def placement_page(request: Request, placement_id: str, _: Staff, wiring: Fresh) -> Response:
    """A placement and the steps open to it now."""
    return await render_placement(request, wiring, placement_id)


def euro_cents(raw: str) -> int:
    """An amount typed the Italian way (``1.234,50``) or with a point (``450.00``), in cents."""
    cleaned = raw.replace(" ", "").replace("€", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    amount = Decimal(cleaned)
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidOperation(raw)
    return int(amount * 100)


def command_of(step: Step, form: Form) -> Any:
    """The step's command from its form; problems go next to their fields (None then)."""
    data: dict[str, Any] = {}
    for f in step.fields:
        name = input_name(step, f.name)
        value: Any = tuple(form.lines(name)) if f.kind == "lines" else form.text(name)
        if not value:
            if f.required:
                form.add_error(name, gettext("Campo obbligatorio."))
            continue
        if f.kind == "euro":
            try:
                value = euro_cents(str(value))
            except (InvalidOperation, ValueError):
                form.add_error(name, gettext("Scrivi un importo in euro, per esempio 450,00."))
                continue
        elif f.kind == "number":
            value = str(value).replace(",", ".")
        data[f.name] = value
    if not form.valid:
        return None
    data.update({name: str(uuid7()) for name in step.new_ids})
    try:
        return TypeAdapter(step.command).validate_python(data)
    except ValidationError as invalid:
        form.add_validation_errors(invalid, {f.name: input_name(step, f.name) for f in step.fields})
        return None


@router.post("/tirocini/{placement_id}/{slug}")
async def run_step(request: Request, placement_id: str, slug: str, p: Staff, wiring: Fresh) -> Response:
    """One step of the placement; on a refusal the page again, with the message next to the step's form."""
    step = BY_SLUG.get(slug)
    if step is None:
        raise NotFound("Passo sconosciuto.", "Unknown step.")
    form = Form.of(await request.form())
    command = command_of(step, form)
    if command is not None:
        try:
            await wiring.placements.placement(placement_id, command, who(request, p))
        except UserFacingError as refused:
            if refused.status_code == 404:
                raise
            form.add_error("__all__", text(refused.message_it, refused.message_en))
        except DomainError as refused:
            form.add_error("__all__", text(refused.message_it, refused.message_en))
    if not form.valid:
        return await render_placement(request, wiring, placement_id, status_code=422, forms={slug: form})
    flash(request, step.done)
    return RedirectResponse(f"/tirocini/{placement_id}", status_code=303)
