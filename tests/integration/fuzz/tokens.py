"""The one place the fuzz tests make bearer tokens: adapt it alone when sign-in changes (OpenID Connect)."""

from __future__ import annotations

from cantiere_runtime.auth import Principal, Role, mint_token


def bearer(secret: str, role: Role, partner: str, *, host_id: str | None = None) -> dict[str, str]:
    """The Authorization header of an invented user holding ``role`` at ``partner``."""
    principal = Principal(user_id=f"fuzz-{role.value}", role=role, partner=partner, host_id=host_id)
    return {"Authorization": f"Bearer {mint_token(secret, principal)}"}
