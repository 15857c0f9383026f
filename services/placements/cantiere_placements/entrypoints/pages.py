"""The consortium's pages, on the shared layout, beside the JSON routes: the home of each role and the tutor page.

Pages call the same queries and service layer as the JSON routes (``queries.candidates_at``,
``queries.pipeline``, ``queries.validation_queue``, ``host_interns``); who may see what is checked as the
API checks it. Candidates appear by a short pseudonymous id only: never a name, never a reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.errors import Forbidden
from cantiere_runtime.signin import signed_in
from cantiere_web import N_, Brand, Pages, install_pages, page_router
from cantiere_web.pages import NavItem
from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response

from cantiere_placements.adapters import queries
from cantiere_placements.bootstrap import Settings, Wiring, territory_of
from cantiere_placements.entrypoints.deps import STAFF
from cantiere_placements.service_layer.safety_review import safety_conflicts
from cantiere_placements.service_layer.unit import ROME

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
LOCALE = HERE.parent / "locale"

AGE_BANDS = {
    "under_18": N_("meno di 18 anni"),
    "18_24": N_("18-24 anni"),
    "25_34": N_("25-34 anni"),
    "35_44": N_("35-44 anni"),
    "45_54": N_("45-54 anni"),
    "55_64": N_("55-64 anni"),
    "65_plus": N_("65 anni e più"),
}
PHASES = {
    "intake": N_("Accoglienza"),
    "proposed": N_("Proposta di abbinamento"),
    "agreed": N_("Convenzione e progetto"),
    "running": N_("Tirocinio in corso"),
    "suspended": N_("Tirocinio sospeso"),
    "interrupted": N_("Interrotto: in attesa del follow-up"),
    "completed": N_("Concluso: in attesa del follow-up"),
}
INTERN_STATUSES = {"agreed": N_("In avvio"), "running": N_("In corso"), "suspended": N_("Sospeso")}

router = page_router()


def page_allow(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """Like the API's ``allow``, with the principal from the browser session: employment officers of the
    territory's employment centre, everyone else of the consortium."""

    async def check(request: Request, principal: Annotated[Principal, Depends(signed_in)]) -> Principal:
        if principal.role not in roles:
            raise Forbidden("Il tuo ruolo non consente questa pagina.", "Your role does not allow this page.")
        if principal.partner not in _partners_for(request, principal.role):
            raise Forbidden("Questi dati appartengono a un altro ente.", "These data belong to another partner.")
        return principal

    return check


def _partners_for(request: Request, role: Role) -> tuple[str, ...]:
    centre: str = request.app.state.employment_centre
    return (centre,) if role is Role.EMPLOYMENT_OFFICER else (request.app.state.partner,)


async def _wiring(request: Request) -> Wiring:
    wiring: Wiring = request.app.state.wiring
    await wiring.fresh()
    return wiring


Anyone = Annotated[Principal, Depends(page_allow(*Role))]
Fresh = Annotated[Wiring, Depends(_wiring)]


def _pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


def _names(wiring: Wiring) -> dict[str, str]:
    return {m.code: m.name for m in wiring.placements.territory.municipalities}


pages_of = _pages
municipality_names = _names


def today_of(request: Request) -> date:
    """Today in Italy, from the app's clock (tests pass their own)."""
    now: datetime = request.app.state.clock()
    return now.astimezone(ROME).date()


@router.get("/")
async def home(request: Request, who: Anyone, wiring: Fresh) -> Response:
    """Each role's front door: staff the candidates waiting for intake and the open cases by phase, a company
    tutor its interns, an employment officer the training projects to validate."""
    engine, context = wiring.views.engine, dict[str, object]()
    if who.role in STAFF:
        waiting = await queries.candidates_at(engine, "referred")
        phases = Counter(row["phase"] for row in await queries.pipeline(engine))
        context = {"waiting": waiting, "phases": [(p, phases.get(p, 0)) for p in PHASES], "names": _names(wiring)}
        template = "home_staff.html"
    elif who.role is Role.COMPANY_TUTOR:
        from cantiere_placements.entrypoints.pages_tutor import render_tutor

        return await render_tutor(request, who, wiring, who.host_id or "")
    elif who.role is Role.EMPLOYMENT_OFFICER:
        context = {"queue": await queries.validation_queue(engine, shared_only=True)}
        template = "home_officer.html"
    else:
        template = "home_other.html"
    return _pages(request).render(
        request, template, phase_names=PHASES, age_bands=AGE_BANDS, intern_statuses=INTERN_STATUSES, **context
    )


@router.get("/conflitti")
async def conflicts(
    request: Request, _: Annotated[Principal, Depends(page_allow(Role.PLACEMENT_COORDINATOR))], wiring: Fresh
) -> Response:
    """Placements at one host whose people must be kept apart: hosts and placements only, never the people."""
    found = await safety_conflicts(wiring.placements.store)
    return _pages(request).render(request, "conflicts.html", conflicts=found)


def navigation(principal: Principal | None) -> list[NavItem]:
    """The menu for a role: what it may open."""
    if principal is None:
        return []
    items: list[NavItem] = [("/", N_("Pagina iniziale"))]
    if principal.role in STAFF:
        items += [
            ("/percorsi", N_("Percorsi e scadenze")),
            ("/candidati", N_("Candidati")),
            ("/aziende", N_("Aziende")),
            ("/indennita", N_("Indennità")),
            ("/scadenze", N_("Riepilogo del giorno")),
        ]
    if principal.role is Role.PLACEMENT_COORDINATOR:
        items.append(("/conflitti", N_("Conflitti di sicurezza")))
    return items


def install_placements_pages(app: FastAPI, settings: Settings) -> None:
    """The pages of the placements service, under the consortium's name."""
    territory = territory_of(settings)
    app.state.employment_centre = territory.partners.employment_centre.code
    install_pages(
        app,
        templates=TEMPLATES,
        locale_dirs=[LOCALE],
        brand=Brand(
            partner_name=territory.partners.consortium.name, service_name=N_("Inserimenti · Tirocini di inclusione")
        ),
        navigation=navigation,
    )
    app.include_router(router)
    from cantiere_placements.entrypoints import (  # they import this module's helpers
        pages_candidates,
        pages_documents,
        pages_employment_centre,
        pages_hosts,
        pages_ledger,
        pages_pipeline,
        pages_placements,
        pages_tutor,
    )

    modules = (pages_pipeline, pages_candidates, pages_placements, pages_hosts, pages_ledger, pages_tutor)
    for module in (*modules, pages_documents, pages_employment_centre):
        app.include_router(module.router)
