"""The issuers a service trusts, one partner each, and how an issuer's claims become a Principal.

The partner of a principal is the partner of the issuer that signed its token, never a claim: a token from
another partner's issuer is not trusted at all, and a token whose ``partner`` claim names another partner
than its issuer's is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from cantiere_runtime.auth import Principal, Role

ALGORITHMS = ("RS256", "ES256")  # asymmetric only: a shared secret (HS256) never verifies
_ROLE_NAMES = frozenset(role.value for role in Role)


class InvalidClaims(ValueError):
    """The token is well signed but its claims do not make a principal of this issuer's partner."""


class ClaimMapping(BaseModel):
    """Where each part of a principal is read in the issuer's claims (dotted paths for nested claims)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user: str = "sub"  # a pseudonymous, stable id: never a tax code or an e-mail address
    role: str = "role"  # a string or a list of strings, e.g. "realm_access.roles" on Keycloak
    roles: dict[str, Role] = {}  # the IdP's role names -> Cantiere roles; empty: the names are Cantiere's own
    district: str = "district"
    host: str = "host_id"
    partner: str = "partner"  # optional in the token; when present it must be the issuer's partner


class IssuerSettings(BaseModel):
    """One OpenID Connect issuer a service trusts, and the partner whose people it signs in.

    ``audience`` is the ``aud`` every token must carry for this service; the browser sign-in uses
    ``client_id`` (the audience when not set) and ``client_secret`` (none: a public client with PKCE).
    Keys come from ``jwks_uri``, or from the issuer's discovery document when not set; ``jwks`` (inline) and
    ``jwks_file`` are for tests and development only and are refused in production.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    partner: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    issuer: str = Field(min_length=1)
    audience: str = Field(min_length=1)
    client_id: str | None = None
    client_secret: SecretStr | None = None
    label: str | None = None  # shown when a service trusts several issuers (placements: consortium, employment centre)
    scope: str = "openid"
    jwks_uri: str | None = None
    jwks: dict[str, Any] | None = None
    jwks_file: Path | None = None
    roles: tuple[Role, ...] = ()  # the roles this issuer may grant; empty: any
    claims: ClaimMapping = ClaimMapping()
    leeway_seconds: int = Field(default=30, ge=0, le=300)
    end_session: bool = True  # also end the IdP's session at logout when it offers end_session_endpoint
    development: bool = False  # the embedded development provider: refused in production

    @property
    def name(self) -> str:
        """A name for this issuer inside one service (the OAuth client registry key): its partner."""
        return self.partner

    @property
    def oauth_client_id(self) -> str:
        return self.client_id or self.audience

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def production_problems(self) -> list[str]:
        """Why this issuer may not be trusted in production (empty when it may)."""
        problems = []
        if self.development:
            problems.append(f"{self.issuer}: the development identity provider is not for production")
        if urlsplit(self.issuer).scheme != "https" or (self.jwks_uri and urlsplit(self.jwks_uri).scheme != "https"):
            problems.append(f"{self.issuer}: issuer and jwks_uri must be https URLs in production")
        if self.jwks is not None or self.jwks_file is not None:
            problems.append(f"{self.issuer}: inline or file keys (jwks, jwks_file) are for tests only")
        return problems

    def principal(self, claims: dict[str, Any]) -> Principal:
        """The principal these verified claims describe, or InvalidClaims."""
        mapping = self.claims
        user = _at(claims, mapping.user)
        if not isinstance(user, str) or not user:
            raise InvalidClaims(f"no user id in {mapping.user!r}")
        role = self._role(_at(claims, mapping.role))
        claimed_partner = _at(claims, mapping.partner)
        if claimed_partner is not None and claimed_partner != self.partner:
            raise InvalidClaims("the partner claim names another partner than the issuer's")
        district, host = _at(claims, mapping.district), _at(claims, mapping.host)
        for what, value in (("district", district), ("host", host)):
            if value is not None and not isinstance(value, str):
                raise InvalidClaims(f"{what} must be a string")
        return Principal(user_id=user, role=role, partner=self.partner, district=district, host_id=host)

    def _role(self, raw: object) -> Role:
        names = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
        found = set()
        for name in names:
            if self.claims.roles:
                if name in self.claims.roles:
                    found.add(self.claims.roles[name])
            elif name in _ROLE_NAMES:
                found.add(Role(name))
        if len(found) != 1:
            raise InvalidClaims("the token must carry exactly one Cantiere role")
        role = found.pop()
        if self.roles and role not in self.roles:
            raise InvalidClaims(f"this issuer may not grant the role {role.value}")
        return role


def _at(claims: dict[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
