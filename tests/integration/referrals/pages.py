"""Test-only sign-in for the pages: a session put in place by hand, until the real sign-in (OpenID Connect) lands.

Switching the tests to the real sign-in is a change here only: ``sign_in_route`` becomes the
development provider's flow, and ``SIGN_IN_PATH`` its entry point.
"""

from __future__ import annotations

import secrets

from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.signin import SESSION_PRINCIPAL
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.middleware.sessions import SessionMiddleware

SIGN_IN_PATH = "/_test/accedi"
SESSION_SECRET = "test-only-session-secret"


def install_test_sign_in(app: FastAPI) -> FastAPI:
    """A signed session cookie and a route that opens a session for a role (tests only)."""

    async def sign_in(
        request: Request, role: Role, partner: str, user: str = "sw-1", district: str | None = None
    ) -> RedirectResponse:
        principal = Principal(user_id=user, role=role, partner=partner, district=district or None)
        request.session[SESSION_PRINCIPAL] = principal.model_dump(mode="json")
        request.session["csrf"] = secrets.token_urlsafe(24)
        return RedirectResponse("/", status_code=303)

    app.add_api_route(SIGN_IN_PATH, sign_in, methods=["GET"], include_in_schema=False)
    app.add_middleware(SessionMiddleware, secret_key=SESSION_SECRET, same_site="lax", https_only=False)
    return app


def sign_in_url(role: Role, partner: str = "bari", user: str = "sw-1", district: str | None = None) -> str:
    """Where to go to be signed in as someone (query of the test-only route)."""
    query = f"?role={role.value}&partner={partner}&user={user}"
    return SIGN_IN_PATH + query + (f"&district={district}" if district else "")
