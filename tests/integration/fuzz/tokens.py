"""The one place the fuzz tests make bearer tokens: signed by the partner's test issuer (OpenID Connect)."""

from __future__ import annotations

from cantiere_runtime.auth import Principal, Role

from tests.support.identity import TEST_ISSUERS


def bearer(audience: str, role: Role, partner: str, *, host_id: str | None = None) -> dict[str, str]:
    """The Authorization header of an invented user holding ``role`` at ``partner``, for one service."""
    principal = Principal(user_id=f"fuzz-{role.value}", role=role, partner=partner, host_id=host_id)
    return TEST_ISSUERS.bearer(principal, audience)
