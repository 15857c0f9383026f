"""Server-rendered pages of a service: one layout, components, local assets, languages, and HTML error pages.

``install_pages`` is called once by a service's ``create_app``; its page routes use ``PageRoute`` and
answer through ``Pages.render``. Every answer that is not a static asset carries ``Cache-Control:
no-store``: pages show personal data, and the JSON API beside them does too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import structlog
from cantiere_runtime import signin
from cantiere_runtime.auth import Principal
from cantiere_runtime.errors import Unauthenticated, UserFacingError
from cantiere_runtime.signin_pages import SignInPage, use_sign_in_pages
from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cantiere_web import i18n
from cantiere_web.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGE_NAMES,
    LOCALES,
    Catalogues,
    chosen_locale,
    current_catalogues,
    current_locale,
)
from cantiere_web.labels import ROLE_NAMES

log = structlog.get_logger("cantiere.web")

HERE = Path(__file__).parent
STATIC_PREFIX = "/static"
SIGN_IN_PATH = "/accedi"
SIGN_OUT_PATH = "/esci"
SIGN_IN_RETURN = {"choose": SIGN_IN_PATH, "expired": SIGN_IN_PATH, "signed_out": "/uscito"}
FLASH_KEY = "flash"  # message ids (Italian text, never personal data) shown once after a redirect


class PageRoute(APIRoute):
    """A route that answers with HTML: its errors become HTML pages too."""


def page_router() -> APIRouter:
    """A router whose routes are pages (HTML errors, excluded from the OpenAPI schema)."""
    return APIRouter(route_class=PageRoute, include_in_schema=False)


@dataclass(frozen=True)
class Brand:
    """What the header says: the partner and the service."""

    partner_name: str
    service_name: str
    tagline: str = ""
    partner_names: Mapping[str, str] = field(default_factory=dict)  # a process serving several partners

    def for_principal(self, principal: Principal | None) -> Brand:
        """The header of a signed-in person: their own partner's name where the process serves several."""
        name = self.partner_names.get(principal.partner) if principal else None
        return replace(self, partner_name=name) if name else self


NavItem = tuple[str, str]  # (path, Italian label: a message id)
Navigation = Callable[[Principal | None], Sequence[NavItem]]


def signed_in_principal(request: Request) -> Principal | None:
    """The session's principal, or None: for the layout, which never refuses."""
    if "session" not in request.scope:
        return None
    raw = request.session.get(signin.SESSION_PRINCIPAL)
    try:
        return Principal.model_validate(raw) if raw else None
    except ValueError:
        return None


def csrf_token(request: Request) -> str:
    """The session's CSRF token: from the sign-in module when it provides one, else the session's own value."""
    provider = getattr(signin, "csrf_token", None)
    if provider is not None:
        return str(provider(request))
    if "session" not in request.scope:
        return ""
    return str(request.session.get("csrf", ""))


def flash(request: Request, message: str) -> None:
    """Show a message (an Italian message id) once, on the page the browser is redirected to."""
    if "session" in request.scope:
        request.session[FLASH_KEY] = [*request.session.get(FLASH_KEY, []), message]


def _take_flashes(request: Request) -> list[str]:
    if "session" not in request.scope:
        return []
    return list(request.session.pop(FLASH_KEY, []))


def safe_next(target: str | None) -> str:
    """A local path to go back to (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def wants_html(request: Request) -> bool:
    """Whether an error should be an HTML page: a page route, or no route at all asked for by a browser."""
    route = request.scope.get("route")
    if isinstance(route, PageRoute):
        return True
    if route is not None:
        return False
    return "text/html" in request.headers.get("accept", "")


class Pages:
    """The template environment of a service's pages and the one way to answer with a page."""

    def __init__(self, templates: Path, brand: Brand, navigation: Navigation) -> None:
        self.brand = brand
        self.navigation = navigation
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(templates), FileSystemLoader(HERE / "templates")]),
            autoescape=select_autoescape(default=True, default_for_string=True),
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
        self.env.filters.update(date=i18n.show_date, datetime=i18n.show_datetime, number=i18n.show_number)
        self.env.globals.update(
            choices=choices,
            csrf_input=_csrf_input,
            icon=_icon,
            static=_static,
            CSRF_FIELD=signin.CSRF_FIELD,
            role_names=ROLE_NAMES,
        )

    def render(
        self, request: Request, template: str, *, status_code: int = 200, here: str | None = None, **context: Any
    ) -> HTMLResponse:
        """A page in the request's language, with the layout's header filled in.

        ``here`` is the address of the page shown (the language switch returns to it): a page shown in
        answer to a POST names the GET address it stands for.
        """
        principal = signed_in_principal(request)
        page = self.env.get_template(template).render(
            request=request,
            principal=principal,
            brand=self.brand.for_principal(principal),
            navigation=self.navigation(principal),
            locale=current_locale.get(),
            locales=[(code, LANGUAGE_NAMES[code]) for code in LOCALES],
            flashes=_take_flashes(request),
            current_path=here or request.url.path,
            sign_out_path=SIGN_OUT_PATH,
            **context,
        )
        return HTMLResponse(page, status_code=status_code)

    def sign_in_page(self, request: Request, page: SignInPage) -> Response:
        """A page of the sign-in flow (chooser, signed out, expired, refusals) on the shared layout."""
        return self.render(
            request,
            "signin.html",
            status_code=page.status,
            here=SIGN_IN_RETURN.get(page.kind, "/"),  # the language switch comes back here, never to a callback
            page=page,
            say=lambda words: i18n.text(*words),
        )


def choices(names: Mapping[Any, str], only: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """Options of a select or checkboxes: (code, name in the request's language), in the mapping's order."""
    return [(str(code), i18n.gettext(name)) for code, name in names.items() if only is None or code in only]


@pass_context
def _csrf_input(context: Context) -> Markup:
    request: Request = context["request"]
    return Markup('<input type="hidden" name="{}" value="{}">').format(signin.CSRF_FIELD, csrf_token(request))


def _icon(name: str, classes: str = "") -> Markup:
    sprite = f"{STATIC_PREFIX}/bootstrap-italia/svg/sprites.svg#{name}"
    return Markup('<svg class="icon {}" aria-hidden="true" focusable="false"><use href="{}"></use></svg>').format(
        classes, sprite
    )


def _static(path: str) -> str:
    return f"{STATIC_PREFIX}/{path}"


class PageHeaders:
    """ASGI middleware: the request's language, and no caching of anything but static assets."""

    def __init__(self, app: ASGIApp, catalogues: Catalogues | None = None) -> None:
        self.app, self.catalogues = app, catalogues

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith(STATIC_PREFIX + "/")
        token = current_locale.set(chosen_locale(_cookie(scope, LANGUAGE_COOKIE)))
        own = current_catalogues.set(self.catalogues)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
                if not static:
                    extra += [(b"cache-control", b"no-store"), (b"x-frame-options", b"DENY")]
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            current_catalogues.reset(own)
            current_locale.reset(token)


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                cookie_name, _, cookie_value = part.strip().partition("=")
                if cookie_name == name:
                    return cookie_value
    return None


def sign_in_redirect(next_path: str) -> RedirectResponse:
    """To the sign-in page, coming back here afterwards (the path holds random ids at most, no personal data)."""
    return RedirectResponse(f"{SIGN_IN_PATH}?next={quote(safe_next(next_path))}", status_code=303)


def install_pages(
    app: FastAPI, *, templates: Path, locale_dirs: Sequence[Path], brand: Brand, navigation: Navigation
) -> Pages:
    """Mount the assets, the language switch, HTML error pages and headers; return the service's Pages."""
    catalogues = Catalogues([HERE / "locale", *locale_dirs])
    i18n.use_catalogues(catalogues)
    pages = Pages(templates, brand, navigation)
    app.state.pages = pages
    use_sign_in_pages(app.state, pages.sign_in_page)
    app.mount(STATIC_PREFIX, StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(PageHeaders, catalogues=catalogues)

    switch = page_router()

    @switch.get("/lingua/{code}")
    async def choose_language(code: str, next: str = "/") -> RedirectResponse:
        answer = RedirectResponse(safe_next(next), status_code=303)
        answer.set_cookie(
            LANGUAGE_COOKIE, chosen_locale(code), max_age=365 * 24 * 3600, httponly=True, samesite="lax", path="/"
        )
        return answer

    app.include_router(switch)
    _install_error_pages(app, pages)
    return pages


def _install_error_pages(app: FastAPI, pages: Pages) -> None:
    json_user_facing = app.exception_handlers.get(UserFacingError)
    json_unexpected = app.exception_handlers.get(Exception)

    if signin.SignInRequired not in app.exception_handlers:  # the real sign-in installs its own

        @app.exception_handler(signin.SignInRequired)
        async def _sign_in(_: Request, exc: signin.SignInRequired) -> Response:
            return sign_in_redirect(exc.next_path)

    @app.exception_handler(UserFacingError)
    async def _user_facing(request: Request, exc: UserFacingError) -> Response:
        if not wants_html(request):
            assert json_user_facing is not None
            return await json_user_facing(request, exc)  # type: ignore[misc,no-any-return]
        if isinstance(exc, Unauthenticated):
            return sign_in_redirect(request.url.path)
        message = i18n.text(exc.message_it, exc.message_en)
        return pages.render(request, "error.html", status_code=exc.status_code, status=exc.status_code, message=message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if not wants_html(request):
            return await http_exception_handler(request, exc)
        return pages.render(request, "error.html", status_code=exc.status_code, status=exc.status_code, message=None)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        if not wants_html(request):
            assert json_unexpected is not None
            return await json_unexpected(request, exc)  # type: ignore[misc,no-any-return]
        log.error("unexpected_page_error", kind=type(exc).__name__)
        return pages.render(request, "error.html", status_code=500, status=500, message=None)
