"""The municipality's pages: social workers and their manager, on the shared layout, beside the JSON routes.

Pages call the same service layer (``Referrals``, the search, the retention preview) and the same
queries (``views``) as the JSON API. Who may see what is checked as the API checks it: a role that
may not see a page gets 403, a person outside the caller's district 404. Person ids are random
UUIDs, the only identifiers in paths; names and tax codes travel in POST bodies only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.signin import page_principal, require_page, signed_in
from cantiere_runtime.territory import Territory, TerritoryError, load_territory, territory_by_code
from cantiere_web import N_, Brand, Pages, install_pages
from cantiere_web.pages import NavItem
from fastapi import Depends, FastAPI, Request

from cantiere_referrals.bootstrap import Settings
from cantiere_referrals.domain.retention import RetentionPolicy
from cantiere_referrals.entrypoints.routes import referrals_of
from cantiere_referrals.service_layer.handlers import Referrals

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
LOCALE = HERE.parent / "locale"

WORKERS = (Role.SOCIAL_WORKER, Role.MUNICIPAL_MANAGER)
Worker = Annotated[Principal, Depends(require_page(*WORKERS))]
Arriving = Annotated[Principal, Depends(require_page(*WORKERS, Role.AUDITOR))]  # whoever may land on the home page
Manager = Annotated[Principal, Depends(require_page(Role.MUNICIPAL_MANAGER))]
AuditReader = Annotated[Principal, Depends(require_page(Role.MUNICIPAL_MANAGER, Role.AUDITOR))]


@dataclass(frozen=True)
class PageSettings:
    """What the pages need from the service's settings: the territory's names and the retention periods."""

    municipalities: tuple[tuple[str, str], ...]  # (code, name) of the territory's municipalities
    retention: RetentionPolicy
    retention_explicit: bool


async def services(request: Request, principal: Annotated[Principal, Depends(signed_in)]) -> Referrals:
    """The service layer the JSON routes use too, of the signed-in person's own municipality."""
    return referrals_of(request, principal.partner)


def pages_of(request: Request) -> Pages:
    return request.app.state.pages  # type: ignore[no-any-return]


def page_settings(request: Request) -> PageSettings:
    """The page settings of the signed-in person's own municipality (its retention periods)."""
    by_partner: dict[str, PageSettings] = request.app.state.page_settings_by_partner
    return by_partner[page_principal(request).partner]


Service = Annotated[Referrals, Depends(services)]


def navigation(principal: Principal | None) -> list[NavItem]:
    """The menu for a role: what it may open."""
    if principal is None:
        return []
    items: list[NavItem] = []
    if principal.role in WORKERS:
        items += [("/", N_("Persone seguite")), ("/persone/nuova", N_("Registra una persona"))]
    if principal.role in (Role.MUNICIPAL_MANAGER, Role.AUDITOR):
        items.append(("/registro-letture", N_("Registro delle letture")))
    if principal.role is Role.MUNICIPAL_MANAGER:
        items.append(("/conservazione", N_("Conservazione dei dati")))
    return items


def _territory(settings: Settings) -> Territory | None:
    try:
        return (
            load_territory(settings.territory_file)
            if settings.territory_file
            else territory_by_code(settings.territory)
        )
    except TerritoryError:
        return None


def install_referrals_pages(app: FastAPI, settings: Settings) -> None:
    """The pages of one municipality's referrals service, under its own name."""
    from cantiere_referrals.entrypoints import pages_manager, pages_people, pages_person

    territory = _territory(settings)
    municipalities: tuple[tuple[str, str], ...] = ()
    if territory is not None:
        municipalities = tuple((m.code, m.name) for m in territory.municipalities)
    names = {code: f"Comune di {dict(municipalities).get(code, code)}" for code in settings.serves}
    app.state.page_settings_by_partner = {
        code: PageSettings(
            municipalities,
            own.retention.policy(),
            "retention" in own.model_fields_set and own.retention.explicit,
        )
        for code in settings.serves
        for own in [settings.for_municipality(code)]
    }
    ambito = territory.ambito_of(settings.serves[0]) if territory is not None and settings.municipalities else None
    shared_name = ambito.name if ambito is not None else names[settings.serves[0]]
    install_pages(
        app,
        templates=TEMPLATES,
        locale_dirs=[LOCALE],
        brand=Brand(
            partner_name=shared_name,
            service_name=N_("Servizi sociali · Tirocini di inclusione"),
            partner_names=names,  # a signed-in person sees their own municipality's name
        ),
        navigation=navigation,
    )
    for module in (pages_people, pages_person, pages_manager):
        app.include_router(module.router)
