"""The manager's pages: erasure with a confirmation step, the audit trail of personal-data reads, retention preview."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from cantiere_events.codes import ErasureBasis
from cantiere_web import N_, Form, flash, gettext, page_router, paginate
from cantiere_web.i18n import ROME, current_locale, show_datetime
from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from cantiere_referrals.domain import commands as c
from cantiere_referrals.entrypoints import page_labels as labels
from cantiere_referrals.entrypoints import views
from cantiere_referrals.entrypoints.pages import AuditReader, Manager, Service, page_settings, pages_of
from cantiere_referrals.service_layer.retention import erase_expired

router = page_router()
# The grounds a manager may choose; retention expiry is recorded by the retention job itself.
CHOSEN_ERASURE_BASES = tuple(b for b in labels.ERASURE_BASES if b != ErasureBasis.RETENTION_EXPIRED.value)


@router.get("/persone/{person_id}/cancellazione")
async def erasure_page(request: Request, person_id: str, who: Manager, svc: Service) -> Response:
    state = await svc.person(who, person_id)
    return _erasure(request, state, Form(), 200)


def _erasure(request: Request, state: Any, form: Form, status_code: int) -> Response:
    return pages_of(request).render(
        request,
        "erasure.html",
        status_code=status_code,
        person=state,
        short_id=state.person_id[:8],
        form=form,
        labels=labels,
        bases=CHOSEN_ERASURE_BASES,
    )


@router.post("/persone/{person_id}/cancellazione")
async def erase(request: Request, person_id: str, who: Manager, svc: Service) -> Response:
    """Erasure cannot be undone: the ground and an explicit confirmation are both required."""
    form = Form.of(await request.form())
    state = await svc.person(who, person_id)
    basis = form.text("basis")
    if basis not in CHOSEN_ERASURE_BASES:
        form.add_error("basis", gettext("Scegli il motivo della cancellazione."))
    if form.text("confirm") != "yes":
        form.add_error(
            "confirm", gettext("Conferma che vuoi cancellare i dati personali: non si potrà tornare indietro.")
        )
    if not form.valid:
        return _erasure(request, state, form, 422)
    await svc.handle(who, person_id, c.ErasePersonalData(basis=ErasureBasis(str(basis))))
    flash(request, N_("Dati personali cancellati. La scheda resta, senza identità."))
    return RedirectResponse(f"/persone/{person_id}", status_code=303)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


async def _reads(request: Request, who: Any, svc: Any) -> tuple[Form, list[dict[str, Any]]]:
    form = Form(values=dict(request.query_params))
    since, until = _day(form.text("dal")), _day(form.text("al"))
    for name, value in (("dal", since), ("al", until)):
        if form.text(name) and value is None:
            form.add_error(name, gettext("Data non valida: usa il formato gg/mm/aaaa."))
    if since and until and until < since:
        form.add_error("al", gettext("La fine del periodo viene prima dell'inizio."))
    rows = await views.reads_between(
        svc.engine,
        district=who.district,
        user_id=form.text("utente"),
        since=datetime.combine(since, time(), ROME).astimezone(UTC) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(), ROME).astimezone(UTC) if until else None,
    )
    return form, rows


@router.get("/registro-letture")
async def audit_trail(request: Request, who: AuditReader, svc: Service) -> Response:
    form, rows = await _reads(request, who, svc)
    number = request.query_params.get("pagina", "1")
    page = paginate(rows, int(number) if number.isdigit() else 1)
    query = {k: v for k, v in request.query_params.items() if k != "pagina" and v}
    csv_query = urlencode(query)

    def page_url(n: int) -> str:
        return "/registro-letture?" + urlencode({**query, "pagina": n})

    return pages_of(request).render(
        request,
        "audit.html",
        status_code=200 if form.valid else 422,
        form=form,
        page=page,
        page_url=page_url,
        csv_url="/registro-letture.csv" + (f"?{csv_query}" if csv_query else ""),
        labels=labels,
    )


@router.get("/registro-letture.csv")
async def audit_trail_csv(request: Request, who: AuditReader, svc: Service) -> Response:
    """The same rows for a spreadsheet: semicolons, UTF-8 with BOM, Italian dates (as Excel in Italy expects)."""
    _, rows = await _reads(request, who, svc)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([gettext("Data e ora"), gettext("Utente"), gettext("Ruolo"), gettext("Ente"),
                     gettext("Persona (id)"), gettext("Motivo"), gettext("Campi")])  # fmt: skip
    for row in rows:
        writer.writerow(
            [
                show_datetime(row["read_at"]),
                row["user_id"],
                row["role"],
                row["partner"],
                row["person_id"],
                gettext(labels.READ_PURPOSES.get(row["purpose"], row["purpose"])),
                row["fields"],
            ]
        )
    name = "registro-letture" if current_locale.get() == "it" else "personal-data-reads"
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}-{date.today().isoformat()}.csv"'},
    )


@router.get("/conservazione")
async def retention_preview(request: Request, who: Manager, svc: Service) -> Response:
    """The retention command's dry run as a page: who would be erased as of a date; nothing is erased here."""
    form = Form(values=dict(request.query_params))
    today = svc.clock().astimezone(ROME).date()
    as_of = _day(form.text("al")) or today
    if form.text("al") and _day(form.text("al")) is None:
        form.add_error("al", gettext("Data non valida: usa il formato gg/mm/aaaa."))
    settings = page_settings(request)
    report = await erase_expired(svc, settings.retention, as_of=as_of, dry_run=True)
    return pages_of(request).render(
        request,
        "retention.html",
        status_code=200 if form.valid else 422,
        form=form,
        report=report,
        policy=settings.retention,
        explicit=settings.retention_explicit,
        as_of=as_of,
    )
