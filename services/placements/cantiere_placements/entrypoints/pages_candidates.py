"""The candidates' pages: the list, and a candidate's file (profile, skills, "constraints present" and never
their content), the intake steps, suggested hosts and why each passes, proposing a placement (a refusal names
the failed check, as the API does), contact details on demand (a reason asked, shown once, audited)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

from cantiere_runtime.auth import Principal
from cantiere_runtime.errors import NotFound, Unavailable, UserFacingError
from cantiere_web import N_, Form, flash, gettext, page_router, text
from fastapi import Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError

from cantiere_placements.adapters import queries
from cantiere_placements.bootstrap import Wiring
from cantiere_placements.domain import candidate as cand
from cantiere_placements.domain.errors import DomainError
from cantiere_placements.entrypoints import page_labels as labels
from cantiere_placements.entrypoints.deps import STAFF, safety_intake_flowing, who
from cantiere_placements.entrypoints.pages import AGE_BANDS, Fresh, municipality_names, page_allow, pages_of, today_of
from cantiere_placements.entrypoints.routes_candidates import Skills
from cantiere_placements.service_layer.contacts import contact_details, keep_first_name
from cantiere_placements.service_layer.matching import propose_placement
from cantiere_placements.service_layer.suggestions import suggested_hosts
from cantiere_placements.service_layer.unit import candidate_id, load

router = page_router()
Staff = Annotated[Principal, Depends(page_allow(*STAFF))]
DAY = TypeAdapter(date)


@router.get("/candidati")
async def candidates_page(
    request: Request, _: Staff, wiring: Fresh, fase: Annotated[str | None, Query()] = None
) -> Response:
    """Candidates by stage (all by default), longest waiting first, by short pseudonymous code."""
    stage = fase if fase in labels.STAGES else None
    found = await queries.candidates_at(wiring.views.engine, stage)
    return pages_of(request).render(
        request,
        "candidates.html",
        candidates=found,
        stage=stage,
        labels=labels,
        age_bands=AGE_BANDS,
        names=municipality_names(wiring),
    )


async def render_file(
    request: Request,
    wiring: Wiring,
    person_id: str,
    *,
    status_code: int = 200,
    forms: dict[str, Form] | None = None,
    contact: dict[str, Any] | None = None,
    hours_per_week: int = 20,
) -> Response:
    svc = wiring.placements
    person, _v = await load(svc.store, cand.candidate_decider, candidate_id(person_id))
    file = await queries.candidate_file(wiring.views.engine, person_id)
    if person is None or file is None:
        raise NotFound("Nessuna segnalazione per questa persona.", "No referral for this person.")
    suggestions, matching_suspended = [], False
    if person.placeable:
        try:
            await safety_intake_flowing(request)
            found = await suggested_hosts(svc, wiring.views.engine, person_id, today_of(request), hours_per_week)
            suggestions = [s.__dict__ for s in found]
        except Unavailable:
            matching_suspended = True
    hosts = {
        h["host_id"]: h
        for h in await queries.hosts_with_capacity(wiring.views.engine, svc.territory.rule_set_on(today_of(request)))
    }
    constraints_present = bool(
        person.keep_apart_tokens
        or person.excluded_municipalities
        or person.excluded_hosts
        or person.max_hours_per_week
        or person.hour_windows
    )
    names = municipality_names(wiring)
    host_options = []
    for s in suggestions:
        h = hosts.get(s["host_id"], {})
        label = f"{h.get('company_name') or s['host_id'][:8]} · {h.get('vat_number', '')}"
        host_options.append((s["host_id"], f"{label} · {names.get(h.get('site_municipality', ''), '')}"))
    return pages_of(request).render(
        request,
        "candidate.html",
        host_options=host_options,
        status_code=status_code,
        here=f"/candidati/{person_id}",
        person=person,
        file=file,
        short_id=person_id[:8],
        constraints_present=constraints_present,
        suggestions=suggestions,
        matching_suspended=matching_suspended,
        hosts=hosts,
        hours_per_week=hours_per_week,
        forms=forms or {},
        contact=contact,
        labels=labels,
        age_bands=AGE_BANDS,
        names=names,
    )


@router.get("/candidati/{person_id}")
async def candidate_page(
    request: Request, person_id: str, _: Staff, wiring: Fresh, ore: Annotated[int | None, Query(ge=1, le=48)] = None
) -> Response:
    """A candidate's file, with the intake steps and, once accepted, the suggested hosts."""
    return await render_file(request, wiring, person_id, hours_per_week=ore or 20)


Action = Callable[[Form], Awaitable[Any]]


async def _act(
    request: Request, wiring: Wiring, person_id: str, section: str, form: Form, action: Action, done: str
) -> Response:
    """Run one step; on a refusal show the file again with the message next to the form it came from."""
    target = f"/candidati/{person_id}#{section}"
    if form.valid:
        try:
            result = await action(form)
        except ValidationError as invalid:
            form.add_validation_errors(invalid)
        except NotFound:
            raise
        except UserFacingError as refused:
            form.add_error("__all__", text(refused.message_it, refused.message_en))
        except DomainError as refused:
            form.add_error("__all__", text(refused.message_it, refused.message_en))
        else:
            if isinstance(result, str):
                target = result
    if not form.valid:
        status = 422
        return await render_file(request, wiring, person_id, status_code=status, forms={section: form})
    flash(request, done)
    return RedirectResponse(target, status_code=303)


def _who(request: Request, principal: Principal) -> Any:
    return who(request, principal)


@router.post("/candidati/{person_id}/accoglienza")
async def accept(request: Request, person_id: str, p: Staff, wiring: Fresh) -> Response:
    form = Form.of(await request.form())

    async def action(_: Form) -> None:
        await wiring.placements.candidate(person_id, cand.AcceptReferral(), _who(request, p))

    return await _act(request, wiring, person_id, "accoglienza", form, action, N_("Segnalazione accolta."))


@router.post("/candidati/{person_id}/non-accolta")
async def decline(request: Request, person_id: str, p: Staff, wiring: Fresh) -> Response:
    form = Form.of(await request.form())
    if form.text("reason") not in labels.DECLINE_REASONS:
        form.add_error("reason", gettext("Scegli il motivo."))

    async def action(f: Form) -> None:
        command = cand.DeclineReferral(f.text("reason"))  # type: ignore[arg-type]
        await wiring.placements.candidate(person_id, command, _who(request, p))

    return await _act(request, wiring, person_id, "accoglienza", form, action, N_("Segnalazione non accolta."))


def _day(form: Form, name: str) -> date | None:
    try:
        return DAY.validate_python(form.text(name) or "")
    except ValidationError:
        form.add_error(name, gettext("Data non valida: usa il formato gg/mm/aaaa."))
        return None


@router.post("/candidati/{person_id}/colloquio")
async def interview(request: Request, person_id: str, p: Staff, wiring: Fresh) -> Response:
    form = Form.of(await request.form())
    held_on = _day(form, "held_on")

    async def action(_: Form) -> None:
        assert held_on is not None
        await wiring.placements.candidate(person_id, cand.HoldIntakeInterview(held_on), _who(request, p))

    return await _act(request, wiring, person_id, "colloquio", form, action, N_("Colloquio registrato."))


@router.post("/candidati/{person_id}/competenze")
async def skills(request: Request, person_id: str, p: Staff, wiring: Fresh) -> Response:
    form = Form.of(await request.form())
    competences = tuple(form.lines("competences"))
    if not competences:
        form.add_error("competences", gettext("Campo obbligatorio."))

    async def action(f: Form) -> None:
        try:
            body = Skills(competences=competences, esco_skills=tuple(f.lines("esco_skills")))  # type: ignore[arg-type]
        except ValidationError:
            f.add_error("competences", gettext("Usa codici del programma (e concetti ESCO) validi, uno per riga."))
            return
        command = cand.AssessSkills(body.competences, body.esco_skills)
        await wiring.placements.candidate(person_id, command, _who(request, p))

    return await _act(request, wiring, person_id, "competenze", form, action, N_("Competenze registrate."))


@router.post("/candidati/{person_id}/nome")
async def first_name(request: Request, person_id: str, p: Staff, wiring: Fresh) -> Response:
    """The first name for the host tutor's page (kept encrypted; refused once the person is erased)."""
    form = Form.of(await request.form())
    name = form.text("first_name")
    if not name or len(name) > 100:
        form.add_error("first_name", gettext("Campo obbligatorio."))

    async def action(_: Form) -> None:
        await keep_first_name(wiring.placements, wiring.vault, person_id, str(name), _who(request, p))

    return await _act(request, wiring, person_id, "nome", form, action, N_("Nome di battesimo conservato."))


@router.post("/candidati/{person_id}/contatti")
async def contacts(request: Request, person_id: str, p: Staff, wiring: Fresh) -> Response:
    """Asked of the municipality with a reason, shown on this answer only (never stored), audited either way."""
    form = Form.of(await request.form())
    why = form.text("why")
    if not why or len(why) < 3 or len(why) > 200:
        form.add_error("why", gettext("Scrivi perché ti servono i contatti (da 3 a 200 caratteri)."))
        return await render_file(request, wiring, person_id, status_code=422, forms={"contatti": form})
    try:
        found = await contact_details(wiring.placements, person_id, p, why, _who(request, p))
    except DomainError as refused:
        form.add_error("__all__", text(refused.message_it, refused.message_en))
        return await render_file(request, wiring, person_id, status_code=409, forms={"contatti": form})
    if found is None:
        form.add_error("__all__", gettext("Il comune non condivide ora i contatti di questa persona."))
        return await render_file(request, wiring, person_id, status_code=404, forms={"contatti": form})
    return await render_file(request, wiring, person_id, contact=found)


@router.post("/candidati/{person_id}/proposta")
async def propose(request: Request, person_id: str, p: Staff, wiring: Fresh) -> Response:
    """Propose a placement at a host: refused with the name of the failed check, or on to the placement's page."""
    form = Form.of(await request.form())
    host_id = form.text("host_id")
    if not host_id:
        form.add_error("host_id", gettext("Scegli l'azienda."))
    hours = form.text("hours_per_week") or ""
    if not hours.isdigit() or not 1 <= int(hours) <= 48:
        form.add_error("hours_per_week", gettext("Scrivi le ore settimanali, da 1 a 48."))

    async def action(_: Form) -> str | None:
        await safety_intake_flowing(request)
        result = await propose_placement(wiring.placements, person_id, str(host_id), int(hours), _who(request, p))
        if result.refused is not None:
            check = gettext(labels.REFUSAL_CHECKS.get(str(result.refused), str(result.refused)))
            form.add_error("__all__", gettext("Inserimento rifiutato dal controllo: %(check)s.") % {"check": check})
            return None
        return f"/tirocini/{result.placement_id}"

    return await _act(request, wiring, person_id, "proposta", form, action, N_("Inserimento proposto."))
