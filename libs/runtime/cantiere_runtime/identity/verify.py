"""Token verification: the trusted issuer by ``iss``, its JWKS (cached, fetched again once for an unknown ``kid``),
an asymmetric signature, ``iss``/``aud``/``exp``, then the issuer's claim mapping."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx
import structlog
from joserfc import jws, jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

from cantiere_runtime.auth import Principal
from cantiere_runtime.errors import Unauthenticated
from cantiere_runtime.identity.issuers import ALGORITHMS, InvalidClaims, IssuerSettings

log = structlog.get_logger("cantiere.identity")

FetchJson = Callable[[str], Awaitable[dict[str, Any]]]
REFRESH_INTERVAL_SECONDS = 30.0  # an unknown kid fetches the JWKS again at most this often (no refetch storm)


class IdentityUnavailable(Exception):
    """The issuer's discovery document or keys could not be fetched."""


async def fetch_json(url: str) -> dict[str, Any]:
    """GET a JSON document (discovery, JWKS) with a short timeout."""
    try:
        async with httpx.AsyncClient(timeout=5.0) as http:
            answer = await http.get(url, headers={"Accept": "application/json"})
            answer.raise_for_status()
            body = answer.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise IdentityUnavailable(f"{url}: {type(exc).__name__}") from None
    if not isinstance(body, dict):
        raise IdentityUnavailable(f"{url}: not a JSON object")
    return body


class JwksCache:
    """The public keys of one issuer, kept until a token names a key id they lack."""

    def __init__(self, issuer: IssuerSettings, fetch: FetchJson, clock: Callable[[], float] = time.monotonic) -> None:
        self.issuer, self._fetch, self._clock = issuer, fetch, clock
        self._keys: KeySet | None = None
        self._refreshed_at: float | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def keys(self) -> KeySet:
        if self._keys is None:
            async with self._lock:
                if self._keys is None:
                    self._keys = await self._load()
        return self._keys

    async def keys_with(self, kid: str | None) -> KeySet:
        """The key set, fetched again once if it lacks ``kid`` (a rotated key), at most every 30 seconds."""
        keys = await self.keys()
        if kid is None or _has_kid(keys, kid):
            return keys
        async with self._lock:
            now = self._clock()
            if self._keys is not None and _has_kid(self._keys, kid):
                return self._keys
            if self._refreshed_at is not None and now - self._refreshed_at < REFRESH_INTERVAL_SECONDS:
                return keys
            self._refreshed_at = now
            self._keys = await self._load()
            log.info("jwks_refreshed", issuer=self.issuer.issuer)
            return self._keys

    async def _load(self) -> KeySet:
        self.fetches += 1
        if self.issuer.jwks is not None:
            data: dict[str, Any] = self.issuer.jwks
        elif self.issuer.jwks_file is not None:
            data = json.loads(self.issuer.jwks_file.read_text(encoding="utf-8"))
        else:
            uri = self.issuer.jwks_uri or (await self._fetch(self.issuer.discovery_url)).get("jwks_uri")
            if not isinstance(uri, str):
                raise IdentityUnavailable(f"{self.issuer.issuer}: no jwks_uri in the discovery document")
            data = await self._fetch(uri)
        public = [key for key in data.get("keys", []) if key.get("kty") in ("RSA", "EC")]
        return KeySet.import_key_set({"keys": public})


def _has_kid(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)


class TokenVerifier:
    """Verifies bearer and ID tokens against the issuers of this service's settings, nothing else."""

    def __init__(self, issuers: Sequence[IssuerSettings], *, fetch: FetchJson = fetch_json) -> None:
        self.issuers = {issuer.issuer: issuer for issuer in issuers}
        self._caches = {issuer.issuer: JwksCache(issuer, fetch) for issuer in issuers}

    def cache(self, issuer: str) -> JwksCache:
        return self._caches[issuer]

    async def verify(
        self, token: str, *, audience: str | None = None, nonce: str | None = None, issuer: str | None = None
    ) -> Principal:
        """The principal of a valid token; Unauthenticated (401, a plain message) otherwise.

        ``audience`` replaces the issuer's API audience (an ID token's is the client id); ``issuer`` demands
        that one issuer (the one a browser sign-in started with).
        """
        try:
            return await self._verify(token, audience, nonce, issuer)
        except ExpiredTokenError:
            log.info("token_refused", reason="expired")
            raise Unauthenticated(
                "La sessione è scaduta: accedi di nuovo.", "Your session expired: sign in again."
            ) from None
        except (JoseError, InvalidClaims, ValueError, KeyError, TypeError) as exc:
            log.info("token_refused", reason=type(exc).__name__, detail=str(exc)[:120])
        except IdentityUnavailable as exc:
            log.warning("identity_provider_unreachable", detail=str(exc))
        raise Unauthenticated("Credenziali non valide.", "Invalid credentials.")

    async def _verify(self, token: str, audience: str | None, nonce: str | None, only: str | None) -> Principal:
        compact = jws.extract_compact(token.encode("ascii"))
        if compact.protected.get("alg") not in ALGORITHMS:
            raise InvalidClaims("only asymmetric signatures (RS256, ES256) are accepted")
        unverified = json.loads(compact.payload)
        issuer = self.issuers.get(unverified.get("iss")) if isinstance(unverified, dict) else None
        if issuer is None or (only is not None and issuer.issuer != only):
            raise InvalidClaims("the issuer is not trusted by this service")
        keys = await self._caches[issuer.issuer].keys_with(compact.protected.get("kid"))
        verified = jwt.decode(token, keys, algorithms=list(ALGORITHMS))
        expected: dict[str, Any] = {
            "iss": {"essential": True, "value": issuer.issuer},
            "aud": {"essential": True, "value": audience or issuer.audience},
            "exp": {"essential": True},
            "sub": {"essential": True},
        }
        if nonce is not None:
            expected["nonce"] = {"essential": True, "value": nonce}
        jwt.JWTClaimsRegistry(leeway=issuer.leeway_seconds, **expected).validate(verified.claims)
        return issuer.principal(verified.claims)
