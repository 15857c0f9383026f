"""The host tutor's page, made for a phone: the interns at their host (first name only), the month's attendance
register to fill in, and the months already closed. Staff may open any host's page; a tutor only its own."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from babel.dates import format_date
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.errors import UserFacingError
from cantiere_web import N_, Form, flash, gettext, page_router, text
from cantiere_web.i18n import current_locale
from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError

from cantiere_placements.bootstrap import Wiring
from cantiere_placements.domain import running as run
from cantiere_placements.domain.errors import DomainError
from cantiere_placements.domain.values import Acting
from cantiere_placements.entrypoints.deps import STAFF, who
from cantiere_placements.entrypoints.pages import INTERN_STATUSES, Fresh, page_allow, pages_of, today_of
from cantiere_placements.service_layer.host_page import host_interns

router = page_router()
StaffOrTutor = Annotated[Principal, Depends(page_allow(*STAFF, Role.COMPANY_TUTOR))]


def months_to_fill(starts_on: date | None, today: date, closed: set[str]) -> list[str]:
    """The months from the start to this one whose register is still open, oldest first."""
    if starts_on is None or starts_on > today:
        return []
    found, year, month = [], starts_on.year, starts_on.month
    while (year, month) <= (today.year, today.month):
        key = f"{year:04d}-{month:02d}"
        if key not in closed:
            found.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found  # the oldest open month first: registers are closed in order


def month_name(month: str) -> str:
    """``2026-03`` as the reader says it (``marzo 2026``, ``March 2026``)."""
    return format_date(date.fromisoformat(f"{month}-01"), "LLLL yyyy", locale=current_locale.get())


async def render_tutor(
    request: Request,
    principal: Principal,
    wiring: Wiring,
    host_id: str,
    *,
    status_code: int = 200,
    forms: dict[str, Form] | None = None,
) -> Response:
    """The page of ``host_id``'s interns (a tutor: refused for any other host)."""
    found = await host_interns(wiring.placements.commands, wiring.vault, host_id, principal, request.app.state.clock())
    today = today_of(request)
    interns: list[dict[str, Any]] = []
    for intern in found:
        closed = {str(m["month"]) for m in intern["attendance"]}
        fillable = intern["status"] in ("running", "suspended")
        interns.append(
            {**intern, "open_months": months_to_fill(intern["starts_on"], today, closed) if fillable else []}
        )
    return pages_of(request).render(
        request,
        "tutor.html",
        status_code=status_code,
        here=f"/aziende/{host_id}/tirocinanti",
        host_id=host_id,
        interns=interns,
        forms=forms or {},
        intern_statuses=INTERN_STATUSES,
        month_name=month_name,
    )


@router.get("/aziende/{host_id}/tirocinanti")
async def interns_page(request: Request, host_id: str, p: StaffOrTutor, wiring: Fresh) -> Response:
    """A host's interns and their registers."""
    return await render_tutor(request, p, wiring, host_id)


HOURS = TypeAdapter(run.CloseAttendanceMonth)


@router.post("/aziende/{host_id}/tirocinanti/{placement_id}/presenze")
async def close_month(request: Request, host_id: str, placement_id: str, p: StaffOrTutor, wiring: Fresh) -> Response:
    """Close a month's register: planned and attended hours (a tutor only for its own host's interns)."""
    form = Form.of(await request.form())
    data = {
        "month": form.text("month"),
        "planned_hours": (form.text("planned_hours") or "").replace(",", "."),
        "attended_hours": (form.text("attended_hours") or "").replace(",", "."),
    }
    for name, value in data.items():
        if not value:
            form.add_error(name, gettext("Campo obbligatorio."))
    if form.valid:
        try:
            command = HOURS.validate_python({**data, "acting": Acting(p.role is Role.COMPANY_TUTOR, p.host_id)})
            state = await wiring.placements.placement(placement_id, command, who(request, p))
            if state.host_id != host_id:  # the command already refused another host's intern for a tutor
                form.add_error("__all__", gettext("Questo tirocinio non è di questa azienda."))
        except ValidationError as invalid:
            form.add_validation_errors(invalid)
        except UserFacingError as refused:
            form.add_error("__all__", text(refused.message_it, refused.message_en))
        except DomainError as refused:
            form.add_error("__all__", text(refused.message_it, refused.message_en))
    if not form.valid:
        return await render_tutor(request, p, wiring, host_id, status_code=422, forms={placement_id: form})
    flash(request, N_("Registro del mese chiuso."))
    return RedirectResponse(f"/aziende/{host_id}/tirocinanti", status_code=303)
