"""Pages of the caseload: the people followed, the search by surname or tax code, and registering a person."""

from __future__ import annotations

import re
from typing import Any

from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.errors import UserFacingError
from cantiere_web import N_, Form, flash, gettext, page_router, paginate, text
from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from cantiere_referrals.adapters.vault import PersonalData, ReadPurpose
from cantiere_referrals.domain.errors import InvalidTaxCode, TaxCodeAlreadyRegistered
from cantiere_referrals.entrypoints import page_labels as labels
from cantiere_referrals.entrypoints import views
from cantiere_referrals.entrypoints.pages import Arriving, Service, Worker, pages_of
from cantiere_referrals.entrypoints.schemas import Profile
from cantiere_referrals.service_layer import search

router = page_router()

TAX_CODE_SHAPE = re.compile(r"[A-Z0-9]{16}")
IDENTITY_FIELDS = (
    "first_name",
    "surname",
    "tax_code",
    "birth_date",
    "gender",
    "phone",
    "email",
    "home_address",
    "notes",
)
PROFILE_LISTS = ("availability", "care_needs")


async def _caseload(request: Request, who: Principal, svc: Any, **extra: Any) -> Response:
    mine = request.query_params.get("mie") == "1"
    rows = await views.caseload(svc.engine, district=who.district, social_worker=who.user_id if mine else None)
    status = request.query_params.get("stato") or ""
    if status:
        rows = [r for r in rows if (r["referral_status"] or "none") == status]
    number = request.query_params.get("pagina", "1")
    page = paginate(rows, int(number) if number.isdigit() else 1)

    def page_url(n: int) -> str:
        return f"/?pagina={n}" + ("&mie=1" if mine else "") + (f"&stato={status}" if status else "")

    return pages_of(request).render(
        request,
        "caseload.html",
        here="/",
        page=page,
        page_url=page_url,
        mine=mine,
        status=status,
        labels=labels,
        search_form=extra.pop("search_form", Form(values={"motivo": "case_management"})),
        **extra,
    )


@router.get("/")
async def caseload(request: Request, who: Arriving, svc: Service) -> Response:
    """The people followed; an auditor, who may not see them, arrives at the audit trail instead."""
    if who.role is Role.AUDITOR:
        return RedirectResponse("/registro-letture", status_code=303)
    return await _caseload(request, who, svc)


@router.post("/ricerca")
async def find(request: Request, who: Worker, svc: Service) -> Response:
    """A search reads identity: it is a POST (nothing typed ends up in a URL) and every person found is audited."""
    form = Form.of(await request.form())
    wanted = (form.text("cerca") or "").upper().replace(" ", "")
    purpose = _purpose(form)
    found: list[search.Found] = []
    if not form.text("cerca"):
        form.add_error("cerca", gettext("Scrivi un cognome o un codice fiscale."))
    if purpose is None:
        form.add_error("motivo", gettext("Scegli il motivo della ricerca."))
    if form.valid and purpose is not None:
        try:
            if TAX_CODE_SHAPE.fullmatch(wanted) and any(ch.isdigit() for ch in wanted):
                found = await search.by_tax_code(svc, who, wanted, purpose)
            else:
                found = await search.by_surname(svc, who, form.text("cerca") or "", purpose)
        except InvalidTaxCode:
            form.add_error("cerca", gettext("Codice fiscale non valido."))
    status = 200 if form.valid else 422
    response = await _caseload(request, who, svc, search_form=form, found=found, searched=form.valid)
    response.status_code = status
    return response


def _purpose(form: Form) -> ReadPurpose | None:
    value = form.text("motivo")
    return ReadPurpose(value) if value in labels.CHOSEN_READ_PURPOSES else None


@router.get("/persone/nuova")
async def new_person(request: Request, who: Worker, svc: Service) -> Response:
    return _register_page(request, who, svc, Form(values={"gender": "", "education_level": "not_known"}))


def _register_page(request: Request, who: Principal, svc: Any, form: Form, status_code: int = 200) -> Response:
    districts = [(d, d) for d in sorted(svc.districts or ())] if who.district is None else []
    return pages_of(request).render(
        request,
        "register.html",
        status_code=status_code,
        here="/persone/nuova",
        form=form,
        labels=labels,
        districts=districts,
    )


@router.post("/persone/nuova")
async def register(request: Request, who: Worker, svc: Service) -> Response:
    form = Form.of(await request.form(), lists=PROFILE_LISTS)
    identity = {name: form.text(name) for name in IDENTITY_FIELDS if form.text(name) is not None}
    data = profile = None
    try:
        data = PersonalData(**identity)
    except ValidationError as invalid:
        form.add_validation_errors(invalid)
        if any(p["loc"] == ("tax_code",) and p["type"] == "value_error" for p in invalid.errors()):
            form.errors["tax_code"] = gettext("Codice fiscale non valido.")
    try:
        profile = Profile(
            education_level=form.text("education_level") or "not_known",
            availability=tuple(form.value("availability", [])),
            care_needs=tuple(form.value("care_needs", [])),
            languages=tuple(code.lower() for code in form.lines("languages")),
            preferred_sectors=tuple(code.upper() for code in form.lines("preferred_sectors")),
        )
    except ValidationError as invalid:
        form.add_validation_errors(invalid)
    if data is None or profile is None:
        return _register_page(request, who, svc, form, 422)
    try:
        person_id = await svc.register(who, data, profile.model_dump(), form.text("district"))
    except TaxCodeAlreadyRegistered as clash:
        form.errors["tax_code"] = text(clash.message_it, clash.message_en)
        form.values["existing_person_id"] = clash.existing_person_id  # None when the caller may not see them
        return _register_page(request, who, svc, form, 409)
    except UserFacingError as refused:
        field = {"invalid_birth_date": "birth_date", "unknown_district": "district"}.get(refused.code, "__all__")
        form.add_error(field, text(refused.message_it, refused.message_en))
        return _register_page(request, who, svc, form, refused.status_code)
    flash(request, N_("Persona registrata. I dati personali sono conservati cifrati."))
    return RedirectResponse(f"/persone/{person_id}", status_code=303)
