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
from cantiere_runtime.signin import require_page
from cantiere_runtime.territory import Territory, TerritoryError, load_territory, territory_by_code
from cantiere_web import N_, Brand, Pages, install_pages
from cantiere_web.pages import NavItem
from fastapi import Depends, FastAPI, Request

from cantiere_referrals.bootstrap import Settings
from cantiere_referrals.domain.retention import RetentionPolicy
from cantiere_referrals.service_layer.handlers import Referrals

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
LOCALE = HERE.parent / "locale"

WORKERS = (Role.SOCIAL_WORKER, Role.MUNICIPAL_MANAGER)
Worker = Annotated[Principal, Depends(require_page(*WORKERS))]
Manager = Annotated[Principal, Depends(require_page(Role.MUNICIPAL_MANAGER))]
AuditReader = Annotated[Principal, Depends(require_page(Role.MUNICIPAL_MANAGER, Role.AUDITOR))]


@dataclass(frozen=True)
class PageSettings:
    """What the pages need from the service's settings: the territory's names and the retention periods."""

    municipalities: tuple[tuple[str, str], ...]  # (code, name) of the territory's municipalities
    retention: RetentionPolicy
    retention_explicit: bool


def services(request: Request) -> Referrals:
    """The service layer the JSON routes use too."""
    return request.app.state.referrals  # type: ignore[no-any-return]


def pages_of(request: Request) -> Pages:
    return request.app.state.pages  # type: ignore[no-any-return]


def page_settings(request: Request) -> PageSettings:
    return request.app.state.page_settings  # type: ignore[no-any-return]


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
    name = settings.partner
    municipalities: tuple[tuple[str, str], ...] = ()
    if territory is not None:
        municipalities = tuple((m.code, m.name) for m in territory.municipalities)
        name = dict(municipalities).get(settings.partner, settings.partner)
    app.state.page_settings = PageSettings(
        municipalities,
        settings.retention.policy(),
        "retention" in settings.model_fields_set and settings.retention.explicit,
    )
    install_pages(
        app,
        templates=TEMPLATES,
        locale_dirs=[LOCALE],
        brand=Brand(
            partner_name=f"Comune di {name}",
            service_name=N_("Servizi sociali · Tirocini di inclusione"),
        ),
        navigation=navigation,
    )
    for module in (pages_people, pages_person, pages_manager):
        app.include_router(module.router)
