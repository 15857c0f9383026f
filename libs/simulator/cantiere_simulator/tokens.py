"""Bearer tokens for the simulator: signed with the development identity provider's keys, never in production."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.identity.dev_provider import issuer_url, key_path
from cantiere_runtime.identity.dev_users import audience_for, demo_users
from cantiere_runtime.identity.keys import load_or_create_key, mint_token
from cantiere_runtime.territory import Territory


def demo_principal(territory: Territory, role: Role, partner: str, district: str | None = None) -> Principal | None:
    """The sign-in's demo user of this role at this partner (and district), if there is one."""
    for user in demo_users(territory).get(partner, []):
        found = user.principal
        if found.role is role and found.district == district and found.host_id is None:
            return found
    return None


class DevTokens:
    """One token per (role, partner, user, host), minted once with the partner's development key."""

    def __init__(self, territory: Territory, data_dir: Path, idp_url: str) -> None:
        self.territory, self.data_dir, self.idp_url = territory, data_dir, idp_url
        self._cache: dict[tuple[str, str, str, str | None], dict[str, str]] = {}

    def headers(
        self, role: Role, partner: str, user: str, host_id: str | None = None, district: str | None = None
    ) -> dict[str, str]:
        found = self._cache.get((role.value, partner, user, host_id))
        if found is None:
            principal = Principal(user_id=user, role=role, partner=partner, host_id=host_id, district=district)
            key = load_or_create_key(key_path(self.data_dir, partner))
            token = mint_token(
                key, principal, issuer=issuer_url(self.idp_url, partner),
                audience=audience_for(self.territory, partner), ttl=timedelta(hours=12),
            )  # fmt: skip
            found = self._cache[(role.value, partner, user, host_id)] = {"Authorization": f"Bearer {token}"}
        return found

    def as_demo_user(self, role: Role, partner: str, district: str | None = None) -> dict[str, str]:
        """Act as the sign-in's demo user of this role (so the demo's cases are theirs when they sign in)."""
        demo = demo_principal(self.territory, role, partner, district)
        if demo is None:
            return self.headers(role, partner, f"sim-{role.value}-{partner}")
        return self.headers(role, partner, demo.user_id, district=demo.district)
