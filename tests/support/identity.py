"""Test issuers: one per partner, whose private keys this module holds and whose public JWKS the services under
test trust (inline in their settings, allowed outside production only); and the development provider running
for real on a free port."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.identity.dev_provider import create_dev_provider, key_path
from cantiere_runtime.identity.keys import load_or_create_key, mint_token, new_signing_key, public_jwks
from cantiere_runtime.nats_server import free_port
from cantiere_runtime.territory import Territory
from joserfc.jwk import ECKey

REFERRALS = "cantiere-referrals"
PLACEMENTS = "cantiere-placements"
MONITORING = "cantiere-monitoring"


class TestIssuers:
    """One signing key per partner at ``https://idp.test/<partner>``."""

    __test__ = False  # not a test class

    def __init__(self) -> None:
        self._keys: dict[str, ECKey] = {}

    def key(self, partner: str) -> ECKey:
        if partner not in self._keys:
            self._keys[partner] = new_signing_key(f"test-{partner}")
        return self._keys[partner]

    @staticmethod
    def url(partner: str) -> str:
        return f"https://idp.test/{partner}"

    def issuer(self, partner: str, audience: str, **extra: Any) -> dict[str, Any]:
        """Settings of a service trusting ``partner``'s test issuer (``oidc_issuers`` takes a list of these)."""
        return {
            "partner": partner,
            "issuer": self.url(partner),
            "audience": audience,
            "jwks": public_jwks(self.key(partner)),
            **extra,
        }

    def token(self, principal: Principal, audience: str, *, ttl: timedelta = timedelta(hours=1), **kw: Any) -> str:
        """A token for ``principal`` signed by its own partner's test issuer."""
        issuer = kw.pop("issuer_partner", principal.partner)
        return mint_token(self.key(issuer), principal, issuer=self.url(issuer), audience=audience, ttl=ttl, **kw)

    def bearer(self, principal: Principal, audience: str, **kw: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(principal, audience, **kw)}"}

    def bearer_for(
        self, role: Role, partner: str, audience: str, user: str = "u-1", **scope: str | None
    ) -> dict[str, str]:
        principal = Principal(user_id=user, role=role, partner=partner, **scope)  # type: ignore[arg-type]
        return self.bearer(principal, audience)


TEST_ISSUERS = TestIssuers()  # one set of test keys for the whole test run


@dataclass
class RunningProvider:
    """The development provider on a free loopback port."""

    base_url: str
    data_dir: Path

    def issuer(self, partner: str) -> str:
        return f"{self.base_url}/{partner}"

    def bearer(self, principal: Principal, audience: str) -> dict[str, str]:
        """A token signed with the provider's own key of the principal's partner (as `cantiere token` does)."""
        key = load_or_create_key(key_path(self.data_dir, principal.partner))
        token = mint_token(key, principal, issuer=self.issuer(principal.partner), audience=audience)
        return {"Authorization": f"Bearer {token}"}

    def settings(self, partner: str, audience: str, **extra: Any) -> dict[str, Any]:
        return {"partner": partner, "issuer": self.issuer(partner), "audience": audience, "development": True, **extra}


@contextmanager
def dev_provider(territory: Territory, data_dir: Path, tls: ssl.SSLContext | None = None) -> Iterator[RunningProvider]:
    """The development identity provider served over real HTTP (HTTPS with ``tls``) in a thread, stopped afterwards."""
    from werkzeug.serving import make_server

    port = free_port()
    base = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    app = create_dev_provider(territory, data_dir, base)
    server = make_server("127.0.0.1", port, app, threaded=True, ssl_context=tls)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield RunningProvider(base, data_dir)
    finally:
        server.shutdown()
        thread.join(5)


def production_sign_in(partner: str = "bari", audience: str = REFERRALS) -> dict[str, Any]:
    """Sign-in settings production accepts: the partner's own https IdP, found by discovery, and an https address."""
    issuer = {"partner": partner, "issuer": f"https://id.{partner}.example/realms/cantiere", "audience": audience}
    return {"oidc_issuers": [issuer], "public_url": f"https://cantiere.{partner}.example"}
