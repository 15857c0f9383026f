"""Browser sessions on the server side: which sessions are open, when each was last used, and the CSRF check.

The cookie (Starlette's signed session) only carries a random session id, the principal and the CSRF token;
this registry decides whether that id is still open. Logging out or staying idle past the timeout removes it,
so a copy of the cookie is worth nothing afterwards. The registry lives in the service's process: restarting
the service ends every session (people sign in again), and the service runs as one process.
"""

from __future__ import annotations

import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cantiere_runtime.signin_pages import SignInPage, render

SESSION_ID = "sid"
SESSION_CSRF = "csrf"
SESSION_EXPIRED = "expired"  # set when an idle (or otherwise ended) session is emptied: sign-in says so
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_REFUSED_IT = "Il modulo è scaduto o non proviene da questo sito: ricarica la pagina e riprova."
CSRF_REFUSED_EN = "The form expired or did not come from this site: reload the page and try again."


@dataclass
class OpenSession:
    """One signed-in browser session as the server knows it."""

    principal: dict[str, Any]
    last_seen: float
    issuer: str  # the name of the issuer that signed the person in (for the IdP's logout)
    id_token: str | None = None  # kept here, not in the cookie: the IdP's logout needs it as a hint


class SessionRegistry:
    """The open sessions of this process, ended by logout or by ``idle_seconds`` without a request."""

    def __init__(self, idle_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_seconds, self.clock = idle_seconds, clock
        self._open: dict[str, OpenSession] = {}

    def open(self, principal: dict[str, Any], issuer: str, id_token: str | None) -> str:
        self._expire()
        sid = secrets.token_urlsafe(32)
        self._open[sid] = OpenSession(principal, self.clock(), issuer, id_token)
        return sid

    def touch(self, sid: str, principal: object) -> bool:
        """Whether ``sid`` is open for this principal; using it keeps it open for another idle period."""
        found = self._open.get(sid)
        now = self.clock()
        if found is None or now - found.last_seen > self.idle_seconds or found.principal != principal:
            self._open.pop(sid, None)
            return False
        found.last_seen = now
        return True

    def close(self, sid: str) -> OpenSession | None:
        return self._open.pop(sid, None)

    def _expire(self) -> None:
        now = self.clock()
        for sid in [sid for sid, s in self._open.items() if now - s.last_seen > self.idle_seconds]:
            del self._open[sid]


class SessionGuard:
    """ASGI middleware inside the session middleware: a session whose id is not open any more is emptied."""

    def __init__(self, app: ASGIApp, registry: SessionRegistry) -> None:
        self.app, self.registry = app, registry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        session = scope.get("session")
        if scope["type"] == "http" and session:
            sid = session.get(SESSION_ID)
            if sid is not None and not self.registry.touch(sid, session.get("principal")):
                session.clear()
                session[SESSION_EXPIRED] = True
        await self.app(scope, receive, send)


def csrf_token_of(session: dict[str, Any]) -> str:
    """The session's CSRF token, made on first use and stable for the session."""
    token = session.get(SESSION_CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[SESSION_CSRF] = token
    return token


class CsrfGuard:
    """ASGI middleware: a POST (PUT, PATCH, DELETE) that comes with the session cookie and without a bearer token
    must carry the session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``), or gets 403."""

    def __init__(self, app: ASGIApp, cookie: str, field: str) -> None:
        self.app, self.cookie, self.field = app, cookie, field

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        if self.cookie not in connection.cookies or connection.headers.get("authorization"):
            await self.app(scope, receive, send)  # not cookie-authenticated: nothing ambient to forge
            return
        body, replay = await _buffer(receive)
        expected = scope.get("session", {}).get(SESSION_CSRF)
        sent = connection.headers.get("x-csrf-token") or await _form_field(scope, body, self.field)
        if isinstance(expected, str) and sent and hmac.compare_digest(sent.encode(), expected.encode()):
            await self.app(scope, replay, send)
            return
        await _refuse(connection, replay, send)


async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


async def _form_field(scope: Scope, body: bytes, field: str) -> str | None:
    content_type = Headers(scope=scope).get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None

    async def once() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        async with Request(scope, once).form() as form:
            value = form.get(field)
    except Exception:  # a malformed form is refused like a missing token
        return None
    return value if isinstance(value, str) else None


CSRF_REFUSED = SignInPage(
    ("Richiesta rifiutata", "Request refused"),
    ((CSRF_REFUSED_IT, CSRF_REFUSED_EN),),
    link=("/", ("Torna alla pagina iniziale", "Back to the home page")),
    status=403,
    kind="refused",
)


async def _refuse(connection: HTTPConnection, receive: Receive, send: Send) -> None:
    if "text/html" in connection.headers.get("accept", ""):
        page = render(Request(connection.scope, receive), CSRF_REFUSED)
        await page(connection.scope, receive, send)
        return
    message = {"error": "csrf", "message": CSRF_REFUSED_IT, "message_en": CSRF_REFUSED_EN}
    body, kind = json.dumps(message).encode(), b"application/json"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 403, "headers": headers})
    await send({"type": "http.response.body", "body": body})
