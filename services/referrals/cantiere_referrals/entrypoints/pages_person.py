"""A person's page: identity after an audited read, consents, eligibility, safety constraints, referral, timeline."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from cantiere_events.codes import ClosureReason, ConsentScope, ReferralWithdrawalReason
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.errors import NotFound, UserFacingError
from cantiere_web import N_, Form, flash, gettext, page_router, text
from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from cantiere_referrals.adapters.vault import PersonalData, ReadPurpose
from cantiere_referrals.domain import commands as c
from cantiere_referrals.domain.errors import InvalidTaxCode
from cantiere_referrals.entrypoints import page_labels as labels
from cantiere_referrals.entrypoints import views
from cantiere_referrals.entrypoints.pages import Service, Worker, page_settings, pages_of
from cantiere_referrals.service_layer.handlers import KeepApartLinks, Referrals

router = page_router()

# Which section of the page a refusal belongs next to, by the error's code.
SECTION_OF = {
    "consent_missing": "referral",
    "eligibility_missing": "referral",
    "referral_already_open": "referral",
    "no_open_referral": "referral",
    "consent_not_given": "consents",
    "invalid_vat_number": "constraints",
    "invalid_tax_code": "constraints",
}


async def render_person(
    request: Request,
    who: Principal,
    svc: Referrals,
    person_id: str,
    *,
    status_code: int = 200,
    identity: PersonalData | None = None,
    identity_read: bool = False,
    links: KeepApartLinks | None = None,
    forms: dict[str, Form] | None = None,
) -> Response:
    state = await svc.person(who, person_id)
    kept_apart = await svc.keep_apart_count(who, person_id)
    timeline = await views.timeline(svc.engine, person_id)
    reads = await views.reads(svc.engine, person_id) if who.role is Role.MUNICIPAL_MANAGER else None
    return pages_of(request).render(
        request,
        "person.html",
        status_code=status_code,
        here=f"/persone/{person_id}",
        person=state,
        short_id=person_id[:8],
        identity=identity,
        identity_read=identity_read,
        forms=forms or {},
        timeline=timeline,
        consortium=[row for row in timeline if row["event_type"] not in labels.LOCAL_EVENTS],
        reads=reads,
        labels=labels,
        municipalities=page_settings(request).municipalities,
        is_manager=who.role is Role.MUNICIPAL_MANAGER,
        kept_apart=kept_apart,
        masked_links=[masked(code) for code in links.codes] if links else None,
        keep_options=[(str(i), gettext("Persona già registrata n. %(n)s") % {"n": i + 1}) for i in range(kept_apart)],
    )


def masked(tax_code: str) -> str:
    """A tax code shown masked: the first three and the last character (enough to tell two links apart)."""
    return tax_code[:3] + "•" * (len(tax_code) - 4) + tax_code[-1:]


@router.get("/persone/{person_id}")
async def person_page(request: Request, person_id: str, who: Worker, svc: Service) -> Response:
    return await render_person(request, who, svc, person_id)


@router.post("/persone/{person_id}/identita")
async def read_identity(request: Request, person_id: str, who: Worker, svc: Service) -> Response:
    """An audited read: shown on this answer only (no redirect keeps identity anywhere), with the reason given."""
    form = Form.of(await request.form())
    reason = form.text("motivo")
    if reason not in labels.CHOSEN_READ_PURPOSES:
        form.add_error("motivo", gettext("Scegli il motivo per cui leggi i dati personali."))
        return await render_person(request, who, svc, person_id, status_code=422, forms={"identity": form})
    purpose = ReadPurpose(str(reason))
    _, data = await svc.read_personal_data(who, person_id, purpose)
    links = await svc.keep_apart_links(who, person_id, purpose)
    return await render_person(request, who, svc, person_id, identity=data, identity_read=True, links=links)


Action = Callable[[Form], Awaitable[Any]]


async def _act(
    request: Request,
    who: Principal,
    svc: Referrals,
    person_id: str,
    section: str,
    form: Form,
    action: Action,
    done: str,
) -> Response:
    """Run one command; on a refusal show the page again with the message next to the form it came from."""
    if form.valid:
        try:
            await action(form)
        except ValidationError as invalid:
            form.add_validation_errors(invalid)
        except NotFound:
            raise
        except UserFacingError as refused:
            target = SECTION_OF.get(refused.code, section)
            forms = {target: form} if target == section else {section: form, target: Form()}
            forms[target].add_error("__all__", text(refused.message_it, refused.message_en))
            return await render_person(request, who, svc, person_id, status_code=refused.status_code, forms=forms)
    if not form.valid:
        return await render_person(request, who, svc, person_id, status_code=422, forms={section: form})
    flash(request, done)
    return RedirectResponse(f"/persone/{person_id}#{section}", status_code=303)


@router.post("/persone/{person_id}/consensi")
async def record_consent(request: Request, person_id: str, who: Worker, svc: Service) -> Response:
    form = Form.of(await request.form())

    async def action(f: Form) -> None:
        command = c.RecordConsent(
            scope=f.text("scope"),  # type: ignore[arg-type]
            legal_basis=f.text("legal_basis") or "consent",  # type: ignore[arg-type]
            form_version=f.text("form_version"),  # type: ignore[arg-type]
            given_on=f.text("given_on"),  # type: ignore[arg-type]
        )
        await svc.handle(who, person_id, command)

    return await _act(request, who, svc, person_id, "consents", form, action, N_("Consenso registrato."))


@router.post("/persone/{person_id}/consensi/{scope}/revoca")
async def withdraw_consent(
    request: Request, person_id: str, scope: ConsentScope, who: Worker, svc: Service
) -> Response:
    form = Form.of(await request.form())

    async def action(_: Form) -> None:
        await svc.handle(who, person_id, c.WithdrawConsent(scope=scope))

    return await _act(request, who, svc, person_id, "consents", form, action, N_("Consenso revocato."))


@router.post("/persone/{person_id}/idoneita")
async def confirm_eligibility(request: Request, person_id: str, who: Worker, svc: Service) -> Response:
    form = Form.of(await request.form())

    async def action(f: Form) -> None:
        command = c.ConfirmEligibility(
            taken_into_care_on=f.text("taken_into_care_on"),  # type: ignore[arg-type]
            category=f.text("category"),  # type: ignore[arg-type]
            referring_service=f.text("referring_service"),  # type: ignore[arg-type]
        )
        await svc.handle(who, person_id, command)

    return await _act(request, who, svc, person_id, "eligibility", form, action, N_("Idoneità confermata."))


@router.post("/persone/{person_id}/vincoli")
async def record_constraints(request: Request, person_id: str, who: Worker, svc: Service) -> Response:
    """The complete constraints: people already kept apart stay unless unticked; new ones are typed as tax codes."""
    form = Form.of(await request.form(), lists=("excluded_municipalities", "keep"))
    state = await svc.person(who, person_id)

    async def action(f: Form) -> None:
        before = state.constraints
        try:
            await svc.record_constraints(
                who,
                person_id,
                f.lines("keep_apart_tax_codes"),
                keep=[int(i) for i in f.value("keep", []) if str(i).isdigit()],
                excluded_municipalities=tuple(f.value("excluded_municipalities", [])),
                excluded_hosts=tuple(f.lines("excluded_hosts")),
                hour_windows=before.hour_windows if before else (),
                max_hours_per_week=f.text("max_hours_per_week"),
            )
        except InvalidTaxCode:
            f.add_error("keep_apart_tax_codes", gettext("Uno dei codici fiscali non è valido: controllalo."))

    return await _act(request, who, svc, person_id, "constraints", form, action, N_("Vincoli di sicurezza registrati."))


@router.post("/persone/{person_id}/segnalazione")
async def submit_referral(request: Request, person_id: str, who: Worker, svc: Service) -> Response:
    form = Form.of(await request.form())

    async def action(_: Form) -> None:
        await svc.submit(who, person_id)

    return await _act(request, who, svc, person_id, "referral", form, action, N_("Segnalazione inviata al consorzio."))


@router.post("/persone/{person_id}/segnalazione/ritiro")
async def withdraw_referral(request: Request, person_id: str, who: Worker, svc: Service) -> Response:
    form = Form.of(await request.form())

    async def action(f: Form) -> None:
        reason = ReferralWithdrawalReason(f.text("reason") or "")
        await svc.handle(who, person_id, c.WithdrawReferral(reason=reason))

    return await _reasoned(request, who, svc, person_id, form, action, N_("Segnalazione ritirata."))


@router.post("/persone/{person_id}/segnalazione/chiusura")
async def close_referral(request: Request, person_id: str, who: Worker, svc: Service) -> Response:
    form = Form.of(await request.form())

    async def action(f: Form) -> None:
        reason = ClosureReason(f.text("closure_reason") or "")
        await svc.handle(who, person_id, c.CloseReferral(reason=reason))

    return await _reasoned(request, who, svc, person_id, form, action, N_("Segnalazione chiusa."))


async def _reasoned(
    request: Request, who: Principal, svc: Referrals, person_id: str, form: Form, action: Action, done: str
) -> Response:
    async def checked(f: Form) -> None:
        try:
            await action(f)
        except ValueError:  # not one of the proposed reasons
            field = "reason" if "reason" in f.values else "closure_reason"
            f.add_error(field, gettext("Scegli una delle voci proposte."))

    return await _act(request, who, svc, person_id, "referral", form, checked, done)
