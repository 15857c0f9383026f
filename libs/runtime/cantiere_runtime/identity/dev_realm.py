"""One issuer of the development identity provider, built on Authlib's authorization server: the OpenID Connect
authorization-code grant with PKCE (S256 required), ES256 ID tokens and RFC 9068 JWT access tokens, and
RP-initiated logout. Clients are public (no secret) and may only come back to a loopback ``/auth/callback``.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from authlib.oidc.rpinitiated import EndSessionEndpoint
from flask import session
from joserfc.jwk import ECKey, KeySet

from cantiere_runtime.identity.dev_users import DemoUser
from cantiere_runtime.identity.keys import SIGNING_ALGORITHM, principal_claims, public_jwks

CODE_LIFETIME_SECONDS = 600
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def loopback(uri: str, path: str) -> bool:
    """Whether ``uri`` is ``http(s)://<loopback>[:port]<path>``: where development services listen."""
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") and parts.hostname in LOOPBACK_HOSTS and parts.path == path


@dataclass(frozen=True)
class DevClient(ClientMixin):  # type: ignore[misc]
    """A Cantiere service as a public OpenID Connect client of one issuer."""

    client_id: str

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s == "openid")

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return loopback(redirect_uri, "/auth/callback")

    def check_client_secret(self, client_secret: str) -> bool:
        return False

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "none"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class DevCode(AuthorizationCodeMixin):  # type: ignore[misc]
    """An authorization code, kept in memory for ten minutes and used once."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user_id: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


class Realm:
    """One partner's issuer: its key, its demo users, its client and its Authlib authorization server."""

    def __init__(
        self,
        partner: str,
        issuer: str,
        audience: str,
        key: ECKey,
        users: list[DemoUser],
        other_audiences: tuple[str, ...] = (),
    ) -> None:
        self.partner, self.issuer, self.audience, self.key = partner, issuer, audience, key
        # Services besides the partner's own where its people also sign in (a capofila's planners: monitoring).
        self.audiences = (audience, *other_audiences)
        self.users = {user.user_id: user for user in users}
        self.codes: dict[str, DevCode] = {}
        self.session_key = f"user:{partner}"
        self.server = _server(self)

    def query_client(self, client_id: str) -> DevClient | None:
        return DevClient(client_id) if client_id in self.audiences else None

    def signed_in(self) -> DemoUser | None:
        """The demo user signed in at this issuer in the browser's IdP session, if any."""
        return self.users.get(session.get(self.session_key) or "")

    def jwks(self) -> dict[str, Any]:
        return public_jwks(self.key)

    def metadata(self) -> dict[str, Any]:
        """The discovery document (OpenID Connect Discovery 1.0)."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [SIGNING_ALGORITHM],
            "scopes_supported": ["openid"],
            "token_endpoint_auth_methods_supported": ["none"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "role", "partner", "district", "host_id"],
        }


def _server(realm: Realm) -> AuthorizationServer:
    server = AuthorizationServer(query_client=realm.query_client, save_token=lambda token, request: None)
    server.load_config({})
    server.register_grant(_code_grant(realm), [_OpenIDCode(realm), CodeChallenge(required=True)])
    server.register_token_generator("default", _AccessTokens(realm))
    server.register_endpoint(_EndSession(realm))
    return server


def _code_grant(realm: Realm) -> type[AuthorizationCodeGrant]:
    class Grant(AuthorizationCodeGrant):  # type: ignore[misc]
        TOKEN_ENDPOINT_AUTH_METHODS = ["none"]

        def save_authorization_code(self, code: str, request: Any) -> None:
            data = request.payload.data
            realm.codes[code] = DevCode(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=request.payload.redirect_uri,
                scope=request.payload.scope,
                user_id=request.user.user_id,
                nonce=data.get("nonce"),
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
            )

        def query_authorization_code(self, code: str, client: DevClient) -> DevCode | None:
            found = realm.codes.get(code)
            fresh = found is not None and time.time() - found.auth_time < CODE_LIFETIME_SECONDS
            return found if fresh and found is not None and found.client_id == client.client_id else None

        def delete_authorization_code(self, authorization_code: DevCode) -> None:
            realm.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code: DevCode) -> DemoUser | None:
            return realm.users.get(authorization_code.user_id)

    return Grant


class _OpenIDCode(OpenIDCode):  # type: ignore[misc]
    def __init__(self, realm: Realm) -> None:
        super().__init__(require_nonce=True)
        self.realm = realm

    def exists_nonce(self, nonce: str, request: Any) -> bool:
        return any(code.nonce == nonce for code in self.realm.codes.values())

    def resolve_client_private_key(self, client: DevClient) -> ECKey:
        return self.realm.key

    def get_client_algorithm(self, client: DevClient) -> str:
        return SIGNING_ALGORITHM

    def get_encode_header(self, client: DevClient) -> dict[str, str]:
        return {"alg": SIGNING_ALGORITHM, "kid": self.realm.key.kid or ""}

    def get_client_claims(self, client: DevClient) -> dict[str, Any]:
        return {"iss": self.realm.issuer, "aud": client.get_client_id()}

    def generate_user_info(self, user: DemoUser, scope: str) -> UserInfo:
        return UserInfo(principal_claims(user.principal))


class _AccessTokens(JWTBearerTokenGenerator):  # type: ignore[misc]
    """RFC 9068 access tokens: API clients of the dev provider send them as bearer tokens."""

    def __init__(self, realm: Realm) -> None:
        super().__init__(issuer=realm.issuer, alg=SIGNING_ALGORITHM)
        self.realm = realm

    def get_jwks(self) -> KeySet:
        return KeySet([self.realm.key])

    def get_extra_claims(self, client: DevClient, grant_type: str, user: DemoUser, scope: str) -> dict[str, Any]:
        claims = principal_claims(user.principal)
        claims.pop("sub")
        return claims

    def get_jti(self, client: DevClient, grant_type: str, user: DemoUser, scope: str) -> str:
        return secrets.token_urlsafe(16)


class _EndSession(EndSessionEndpoint):  # type: ignore[misc]
    def __init__(self, realm: Realm) -> None:
        super().__init__()
        self.realm = realm

    def get_server_jwks(self) -> dict[str, Any]:
        return self.realm.jwks()

    def end_session(self, end_session_request: Any) -> None:
        session.pop(self.realm.session_key, None)

    def _is_valid_post_logout_redirect_uri(self, client: DevClient, post_logout_redirect_uri: str) -> bool:
        return loopback(post_logout_redirect_uri, "/uscito")
