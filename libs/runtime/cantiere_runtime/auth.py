"""Who calls and what they may do: roles, the principal, and the FastAPI checks on bearer tokens.

Tokens are verified against the OpenID Connect issuers the service trusts (identity/verify.py); the app's
``state.verifier`` holds them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from cantiere_runtime.errors import Forbidden, Unauthenticated


class Role(StrEnum):
    """Every role of the programme (DESIGN.md §1)."""

    SOCIAL_WORKER = "social_worker"
    MUNICIPAL_MANAGER = "municipal_manager"
    PLACEMENT_OPERATOR = "placement_operator"
    PLACEMENT_COORDINATOR = "placement_coordinator"
    COMPANY_TUTOR = "company_tutor"
    EMPLOYMENT_OFFICER = "employment_officer"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    DISTRICT_PLANNER = "district_planner"  # Ufficio di Piano of an ambito: its figures, never people


class Principal(BaseModel):
    """Who calls: pseudonymous user id, role, partner, and the scope within it (district, host)."""

    user_id: str
    role: Role
    partner: str
    district: str | None = None
    host_id: str | None = None


_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """FastAPI dependency: the caller, verified against the issuers this service trusts (``state.verifier``)."""
    if credentials is None:
        raise Unauthenticated("Accesso richiesto.", "Authentication required.")
    principal: Principal = await request.app.state.verifier.verify(credentials.credentials)
    request.state.partner = principal.partner  # the metrics' partner label (when this process serves it)
    return principal


def served_partners(app: Any) -> frozenset[str]:
    """The partners whose people this service serves: its own, or each municipality of a shared process."""
    partners: frozenset[str] | None = getattr(app.state, "partners", None)
    return partners or frozenset({app.state.partner})


def require(*roles: Role, same_partner: bool = True) -> Callable[..., Awaitable[Principal]]:
    """FastAPI dependency factory: the caller must hold one of ``roles`` (and belong to this service's partner)."""

    async def check(request: Request, principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in roles:
            raise Forbidden("Il tuo ruolo non consente questa operazione.", "Your role does not allow this operation.")
        if same_partner and principal.partner not in served_partners(request.app):
            raise Forbidden("Questi dati appartengono a un altro ente.", "These data belong to another partner.")
        return principal

    return check
