"""Bearer tokens signed by the deployment (HS256 JWT) carrying user id, role and partner; FastAPI checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from cantiere_runtime.errors import Forbidden, Unauthenticated

ALGORITHM = "HS256"
ISSUER = "cantiere"


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


class Principal(BaseModel):
    """Who calls: pseudonymous user id, role, partner, and the scope within it (district, host)."""

    user_id: str
    role: Role
    partner: str
    district: str | None = None
    host_id: str | None = None


def mint_token(
    secret: str, principal: Principal, *, ttl: timedelta = timedelta(hours=8), now: datetime | None = None
) -> str:
    """A signed bearer token for a principal (the ``cantiere token`` command uses this in development)."""
    issued = now or datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": principal.user_id,
        "role": principal.role.value,
        "partner": principal.partner,
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
    }
    if principal.district:
        claims["district"] = principal.district
    if principal.host_id:
        claims["host_id"] = principal.host_id
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_token(secret: str, token: str) -> Principal:
    """The principal of a valid token; Unauthenticated with a plain message otherwise."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER, options={"require": ["exp", "sub"]})
        return Principal(
            user_id=claims["sub"],
            role=Role(claims["role"]),
            partner=claims["partner"],
            district=claims.get("district"),
            host_id=claims.get("host_id"),
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated(
            "La sessione è scaduta: accedi di nuovo.", "Your session expired: sign in again."
        ) from None
    except (jwt.InvalidTokenError, KeyError, ValueError):
        raise Unauthenticated("Credenziali non valide.", "Invalid credentials.") from None


_bearer = HTTPBearer(auto_error=False)


def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """FastAPI dependency: the verified caller (the app's state holds the secret)."""
    if credentials is None:
        raise Unauthenticated("Accesso richiesto.", "Authentication required.")
    return verify_token(request.app.state.token_secret, credentials.credentials)


def require(*roles: Role, same_partner: bool = True) -> Callable[..., Principal]:
    """FastAPI dependency factory: the caller must hold one of ``roles`` (and belong to this service's partner)."""

    def check(request: Request, principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in roles:
            raise Forbidden("Il tuo ruolo non consente questa operazione.", "Your role does not allow this operation.")
        if same_partner and principal.partner != request.app.state.partner:
            raise Forbidden("Questi dati appartengono a un altro ente.", "These data belong to another partner.")
        return principal

    return check
