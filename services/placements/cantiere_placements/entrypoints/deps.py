"""What every route needs: the caller (role and partner checked), the wiring, the clock, domain errors as 4xx."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated

from cantiere_events import Actor
from cantiere_runtime.auth import Principal, Role, current_principal
from cantiere_runtime.errors import Conflict, Forbidden, NotFound, Unavailable, Unprocessable, UserFacingError
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from cantiere_placements.bootstrap import Wiring
from cantiere_placements.domain import errors
from cantiere_placements.service_layer.handlers import Placements
from cantiere_placements.service_layer.unit import Who

STAFF = (Role.PLACEMENT_OPERATOR, Role.PLACEMENT_COORDINATOR)
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


def allow(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """The caller must hold one of ``roles``: employment officers of the territory's employment centre, others
    of the consortium; a company tutor must carry its host."""

    async def check(request: Request, principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in roles:
            raise Forbidden("Il tuo ruolo non consente questa operazione.", "Your role does not allow this operation.")
        wiring: Wiring = request.app.state.wiring
        expected = (
            wiring.placements.territory.partners.employment_centre.code
            if principal.role is Role.EMPLOYMENT_OFFICER
            else request.app.state.partner
        )
        if principal.partner != expected:
            raise Forbidden("Questi dati appartengono a un altro ente.", "These data belong to another partner.")
        if principal.role is Role.COMPANY_TUTOR and not principal.host_id:
            raise Forbidden("Il tuo accesso non indica un'azienda.", "Your token names no host.")
        return principal

    return check


async def safety_intake_flowing(request: Request) -> None:
    """Matching waits while an intake of safety constraints, consents or erasures is stopped (fail closed)."""
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is not None and await runtime.blocked_projections():
        raise Unavailable(
            "Abbinamenti sospesi: un vincolo di sicurezza o un consenso arrivato dai comuni non è ancora stato "
            "applicato. Riprovare più tardi; il gestore del servizio trova la causa nei log.",
            "Matching is suspended: a safety constraint or a consent from a municipality has not been applied "
            "yet. Try again later; the service operator finds the cause in the logs.",
            code="matching_suspended",
        )


async def service(request: Request) -> Placements:
    """The command handlers."""
    wiring: Wiring = request.app.state.wiring
    return wiring.placements


async def fresh(request: Request) -> Wiring:
    """The wiring, with the read models brought up to date first."""
    wiring: Wiring = request.app.state.wiring
    await wiring.fresh()
    return wiring


def who(request: Request, principal: Principal) -> Who:
    """The command's actor (pseudonymous id and role) and the time."""
    clock: Clock = request.app.state.clock
    return Who(Actor(user_id=principal.user_id, role=principal.role.value), clock())


def install_domain_errors(app: FastAPI) -> None:
    """Domain errors become 404 / 403 / 409 / 422 with their plain message."""

    @app.exception_handler(errors.DomainError)
    async def _domain(_: Request, exc: errors.DomainError) -> JSONResponse:
        kind: type[UserFacingError] = Unprocessable
        if isinstance(exc, errors.NotFound):
            kind = NotFound
        elif isinstance(exc, errors.NotYourIntern):
            kind = Forbidden
        elif isinstance(exc, errors.WrongState):
            kind = Conflict
        answer = kind(exc.message_it, exc.message_en)
        return JSONResponse(answer.body(), status_code=answer.status_code)
