"""Signing keys of an issuer (the development provider's, a test issuer's) and tokens signed with them.

Production services never sign: they only verify with the partner's IdP's public keys (verify.py).
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey

from cantiere_runtime.auth import Principal

SIGNING_ALGORITHM = "ES256"


def new_signing_key(kid: str | None = None) -> ECKey:
    """A fresh P-256 key for ES256 signatures, with a key id."""
    parameters: Any = {"kid": kid or secrets.token_urlsafe(8), "alg": SIGNING_ALGORITHM, "use": "sig"}
    return ECKey.generate_key("P-256", parameters=parameters, private=True)


def public_jwks(*keys: ECKey) -> dict[str, Any]:
    """The JWKS document publishing these keys' public halves."""
    return {"keys": [key.as_dict(private=False) for key in keys]}


def load_or_create_key(path: Path) -> ECKey:
    """The private key kept in ``path`` (a JWK, readable by its owner only), made on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = new_signing_key()
        path.write_text(json.dumps(key.as_dict(private=True)), encoding="utf-8")
        path.chmod(0o600)
        return key
    return ECKey.import_key(json.loads(path.read_text(encoding="utf-8")))


def principal_claims(principal: Principal) -> dict[str, Any]:
    """The claims Cantiere's own issuers put in a token for a principal (the default claim mapping)."""
    claims: dict[str, Any] = {"sub": principal.user_id, "role": principal.role.value, "partner": principal.partner}
    if principal.district:
        claims["district"] = principal.district
    if principal.host_id:
        claims["host_id"] = principal.host_id
    return claims


def mint_token(
    key: ECKey,
    principal: Principal,
    *,
    issuer: str,
    audience: str,
    ttl: timedelta = timedelta(hours=8),
    now: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """A bearer token for ``principal`` signed by ``key`` as ``issuer``, for the service known as ``audience``."""
    issued = now or datetime.now(UTC)
    claims = {
        "iss": issuer,
        "aud": audience,
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
        "jti": secrets.token_urlsafe(12),
        **principal_claims(principal),
        **(extra or {}),
    }
    return jwt.encode({"alg": SIGNING_ALGORITHM, "kid": key.kid, "typ": "JWT"}, claims, key)
