"""Browser sign-in as the pages see it: who is signed in, which roles a page admits, and the CSRF token.

The pages of every service depend only on the names below. How the session is opened (OpenID Connect
authorization-code flow with PKCE against the partner's issuer), kept (signed cookie, idle timeout) and ended
(logout) is installed by ``install_sign_in``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, FastAPI, Request

from cantiere_runtime.auth import Principal, Role, served_partners
from cantiere_runtime.errors import Forbidden
from cantiere_runtime.sessions import csrf_token_of

if TYPE_CHECKING:
    from cantiere_runtime.settings import ServiceSettings

SESSION_PRINCIPAL = "principal"  # the session key holding the signed-in principal (a Principal's model_dump)
CSRF_FIELD = "csrf_token"  # the hidden form field every POST form carries


class SignInRequired(Exception):
    """A page was asked for without a session: the app answers with a redirect to the sign-in page."""

    def __init__(self, next_path: str = "/") -> None:
        super().__init__(next_path)
        self.next_path = next_path


def page_principal(request: Request) -> Principal:
    """FastAPI dependency of a page: the signed-in principal, or SignInRequired (a redirect to sign in)."""
    raw = request.session.get(SESSION_PRINCIPAL) if "session" in request.scope else None
    if not raw:
        raise SignInRequired(request.url.path)
    principal = Principal.model_validate(raw)
    request.state.partner = principal.partner  # the metrics' partner label (when this process serves it)
    return principal


async def signed_in(request: Request) -> Principal:
    """``page_principal`` as an asynchronous dependency: FastAPI runs a plain function's in a worker thread."""
    return page_principal(request)


def require_page(*roles: Role, same_partner: bool = True) -> Callable[..., Awaitable[Principal]]:
    """FastAPI dependency factory for pages: like ``auth.require``, with the principal taken from the session."""

    async def check(request: Request, principal: Annotated[Principal, Depends(signed_in)]) -> Principal:
        if principal.role not in roles:
            raise Forbidden("Il tuo ruolo non consente questa pagina.", "Your role does not allow this page.")
        if same_partner and principal.partner not in served_partners(request.app):
            raise Forbidden("Questi dati appartengono a un altro ente.", "These data belong to another partner.")
        return principal

    return check


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser session (stable for the session): put it in every form as ``CSRF_FIELD``."""
    return csrf_token_of(request.session)


def install_sign_in(app: FastAPI, settings: ServiceSettings) -> None:
    """Sessions, the CSRF check on every cookie-authenticated POST, and /accedi, /auth/callback, /esci, /uscito."""
    from cantiere_runtime.signin_flow import install

    install(app, settings)
