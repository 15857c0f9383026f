"""Browser sign-in against the partner's OpenID Connect issuer: authorization code with PKCE (Authlib's Starlette
client), a session cookie signed by Starlette, the session registry (idle timeout, logout) and the CSRF check.

Routes: ``GET /accedi`` (start; ``next`` keeps a local path, ``ente`` picks the issuer when there are several),
``GET /auth/callback``, ``POST /esci`` (logout, also at the IdP when it offers ``end_session_endpoint``),
``GET /uscito`` (signed out).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from typing import Annotated
from urllib.parse import quote, urlencode, urlsplit

import httpx
import structlog
from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import FastAPI, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.middleware.sessions import SessionMiddleware

from cantiere_runtime.errors import Unauthenticated
from cantiere_runtime.identity.issuers import IssuerSettings
from cantiere_runtime.identity.verify import TokenVerifier
from cantiere_runtime.sessions import (
    SESSION_EXPIRED,
    SESSION_ID,
    CsrfGuard,
    SessionGuard,
    SessionRegistry,
    csrf_token_of,
)
from cantiere_runtime.settings import ServiceSettings
from cantiere_runtime.signin import CSRF_FIELD, SESSION_PRINCIPAL, SignInRequired
from cantiere_runtime.signin_pages import SignInPage, render

log = structlog.get_logger("cantiere.signin")

SIGNIN_ISSUER, SIGNIN_NEXT = "signin_issuer", "signin_next"
SIGNIN_AGAIN = "signin_again"  # after an idle expiry: the IdP must ask who is there, not reuse its session

NOT_CONFIGURED = SignInPage(
    ("Accesso non configurato", "Sign-in not configured"),
    (
        (
            "Questo servizio non ha un fornitore di identità configurato.",
            "This service has no identity provider configured.",
        ),
    ),
    status=503,
    kind="refused",
)
UNREACHABLE = SignInPage(
    ("Accesso non disponibile", "Sign-in unavailable"),
    (
        (
            "Il servizio di accesso non risponde: riprova tra poco.",
            "The sign-in service does not answer: try again shortly.",
        ),
    ),
    link=("/accedi", ("Riprova", "Try again")),
    status=503,
    kind="refused",
)
FAILED = SignInPage(
    ("Accesso non riuscito", "Sign-in failed"),
    (("Non è stato possibile completare l'accesso.", "Signing in could not be completed."),),
    link=("/accedi", ("Riprova", "Try again")),
    status=400,
    kind="refused",
)
SIGNED_OUT = SignInPage(
    ("Sei uscito", "You have signed out"),
    (
        (
            "La sessione è terminata. Per sicurezza chiudi il browser se il computer è condiviso.",
            "Your session has ended. For safety, close the browser if the computer is shared.",
        ),
    ),
    link=("/accedi", ("Accedi di nuovo", "Sign in again")),
    kind="signed_out",
)


def safe_next(value: str | None) -> str:
    """``value`` if it is a path on this site, else ``/`` (no open redirect to another site)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")) or any(c < " " for c in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def cookie_name(service: str, partner: str) -> str:
    """One cookie per service and partner: on one host, cookies of different ports would collide."""
    return f"cantiere_{service}_{partner}".replace("-", "_")


def install(app: FastAPI, settings: ServiceSettings, *, clock: Callable[[], float] = time.monotonic) -> None:
    """Session middleware, CSRF check, sign-in routes and the redirect of SignInRequired, on one service app."""
    issuers = {issuer.name: issuer for issuer in settings.oidc_issuers}
    verifier: TokenVerifier = app.state.verifier
    idle = settings.session_idle_minutes * 60
    registry = SessionRegistry(idle, clock)
    app.state.sessions = registry
    cookie = cookie_name(app.state.service_name, app.state.partner)
    secret = settings.session_secret.get_secret_value() if settings.session_secret else secrets.token_urlsafe(32)
    https = (settings.public_url or "").startswith("https://")
    app.add_middleware(CsrfGuard, cookie=cookie, field=CSRF_FIELD)
    app.add_middleware(SessionGuard, registry=registry)
    app.add_middleware(
        SessionMiddleware, secret_key=secret, session_cookie=cookie, max_age=max(1, int(idle)), https_only=https
    )
    oauth = OAuth()
    for issuer in issuers.values():
        kwargs = {"scope": issuer.scope, "code_challenge_method": "S256"}
        if issuer.client_secret is None:
            kwargs["token_endpoint_auth_method"] = "none"  # noqa: S105 - a public client: PKCE, no secret
        oauth.register(
            issuer.name,
            client_id=issuer.oauth_client_id,
            client_secret=issuer.client_secret.get_secret_value() if issuer.client_secret else None,
            server_metadata_url=issuer.discovery_url,
            client_kwargs=kwargs,
        )

    def callback_url(request: Request) -> str:
        if settings.public_url:
            return settings.public_url.rstrip("/") + "/auth/callback"
        return str(request.url_for("auth_callback"))

    @app.exception_handler(SignInRequired)
    async def _sign_in_first(_: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(f"/accedi?next={quote(safe_next(exc.next_path))}", status_code=303)

    @app.get("/accedi", include_in_schema=False)
    async def sign_in(
        request: Request, next_path: Annotated[str | None, Query(alias="next")] = None, ente: str | None = None
    ) -> Response:
        target = safe_next(next_path)
        if request.session.get(SESSION_PRINCIPAL):
            return RedirectResponse(target, status_code=303)
        if not issuers:
            return render(request, NOT_CONFIGURED)
        if request.session.pop(SESSION_EXPIRED, None):
            request.session[SIGNIN_AGAIN] = True
            return render(request, _expired(target))
        chosen = issuers.get(ente or "") or (next(iter(issuers.values())) if len(issuers) == 1 else None)
        if chosen is None:
            return render(request, _choose(issuers.values(), target))
        request.session[SIGNIN_ISSUER], request.session[SIGNIN_NEXT] = chosen.name, target
        again = {"prompt": "login"} if request.session.pop(SIGNIN_AGAIN, None) else {}
        try:
            client = oauth.create_client(chosen.name)
            answer: Response = await client.authorize_redirect(request, callback_url(request), **again)
        except (httpx.HTTPError, OAuthError, ValueError) as exc:
            log.warning("identity_provider_unreachable", issuer=chosen.issuer, kind=type(exc).__name__)
            return render(request, UNREACHABLE)
        answer.headers["Cache-Control"] = "no-store"
        return answer

    @app.get("/auth/callback", include_in_schema=False, name="auth_callback")
    async def auth_callback(request: Request) -> Response:
        issuer = issuers.get(request.session.get(SIGNIN_ISSUER) or "")
        target = safe_next(request.session.get(SIGNIN_NEXT))
        try:
            if issuer is None:
                raise OAuthError(description="no sign-in in progress")
            token = await oauth.create_client(issuer.name).authorize_access_token(request)
            id_token = token.get("id_token")
            if not isinstance(id_token, str):
                raise OAuthError(description="no id_token")
            principal = await verifier.verify(id_token, audience=issuer.oauth_client_id, issuer=issuer.issuer)
        except (OAuthError, Unauthenticated, httpx.HTTPError) as exc:
            log.info("sign_in_failed", kind=type(exc).__name__)
            return render(request, FAILED)
        request.session.clear()
        raw = principal.model_dump(mode="json")
        request.session[SESSION_ID] = registry.open(raw, issuer.name, id_token)
        request.session[SESSION_PRINCIPAL] = raw
        csrf_token_of(request.session)
        log.info("signed_in", user_id=principal.user_id, role=principal.role.value, partner=principal.partner)
        return RedirectResponse(target, status_code=303)

    @app.post("/esci", include_in_schema=False)
    async def sign_out(request: Request) -> Response:
        sid = request.session.get(SESSION_ID)
        ended = registry.close(sid) if isinstance(sid, str) else None
        request.session.clear()
        issuer = issuers.get(ended.issuer) if ended else None
        if ended is None or issuer is None or not issuer.end_session:
            return RedirectResponse("/uscito", status_code=303)
        log.info("signed_out", partner=issuer.partner)
        try:
            metadata = await oauth.create_client(issuer.name).load_server_metadata()
        except (httpx.HTTPError, ValueError):
            metadata = {}
        endpoint = metadata.get("end_session_endpoint")
        if not isinstance(endpoint, str):
            return RedirectResponse("/uscito", status_code=303)
        back = (
            settings.public_url.rstrip("/") if settings.public_url else str(request.base_url).rstrip("/")
        ) + "/uscito"
        query = {"post_logout_redirect_uri": back, "client_id": issuer.oauth_client_id}
        if ended.id_token:
            query["id_token_hint"] = ended.id_token
        return RedirectResponse(f"{endpoint}?{urlencode(query)}", status_code=303)

    @app.get("/uscito", include_in_schema=False)
    async def signed_out(request: Request) -> Response:
        return render(request, SIGNED_OUT)


def _choose(issuers: Iterable[IssuerSettings], target: str) -> SignInPage:
    return SignInPage(
        ("Accedi", "Sign in"),
        (("Scegli il tuo ente: accederai con le credenziali che ti ha dato.",
          "Choose your organisation: you will sign in with the credentials it gave you."),),
        choices=tuple(
            (f"/accedi?{urlencode({'ente': i.name, 'next': target})}", i.label or i.partner) for i in issuers
        ),
        kind="choose",
    )  # fmt: skip


def _expired(target: str) -> SignInPage:
    return SignInPage(
        ("Sessione scaduta", "Session expired"),
        (("La sessione è terminata dopo un periodo di inattività: accedi di nuovo per continuare.",
          "Your session ended after a period of inactivity: sign in again to continue."),),
        link=(f"/accedi?{urlencode({'next': target})}", ("Accedi di nuovo", "Sign in again")),
        kind="expired",
    )  # fmt: skip
