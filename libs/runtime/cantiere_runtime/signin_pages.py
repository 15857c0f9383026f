"""What the sign-in pages say (chooser, errors, signed out, expired, CSRF refusal), and who draws them.

The runtime decides what a page says, in Italian and English; the web layer (``cantiere_web``, which
depends on the runtime, never the other way round) registers a renderer with ``use_sign_in_pages`` that
draws it on the shared layout. Without one, a plain accessible page is answered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

Words = tuple[str, str]  # (Italian, English)


@dataclass(frozen=True)
class SignInPage:
    """One sign-in page: a title, lines of text, an optional link (a button), the issuers to choose from."""

    title: Words
    lines: tuple[Words, ...] = ()
    link: tuple[str, Words] | None = None  # (local path, label)
    choices: tuple[tuple[str, str], ...] = ()  # (local path, partner's name) when several issuers sign in here
    status: int = 200
    kind: str = "message"  # message | choose | signed_out | expired | refused: the renderer may style each


SignInRenderer = Callable[[Request, SignInPage], Response]
RENDERER = "sign_in_renderer"  # the app.state attribute holding the renderer


def use_sign_in_pages(state: object, renderer: SignInRenderer) -> None:
    """Draw the sign-in pages of an app (its ``state``) with ``renderer``."""
    setattr(state, RENDERER, renderer)


def render(request: Request, page: SignInPage) -> Response:
    """The page, drawn by the app's renderer when it has one; never stored by a browser or a proxy."""
    app = request.scope.get("app")
    renderer: SignInRenderer | None = getattr(getattr(app, "state", None), RENDERER, None)
    answer = renderer(request, page) if renderer is not None else plain(page)
    answer.headers["Cache-Control"] = "no-store"
    return answer


def plain(page: SignInPage) -> Response:
    """The page as bare accessible HTML (a service without the web layer)."""
    lines = "".join(f'<p>{escape(it)}</p><p lang="en">{escape(en)}</p>' for it, en in page.lines)
    items = "".join(f'<li><a href="{escape(href)}">{escape(name)}</a></li>' for href, name in page.choices)
    more = f"<ul>{items}</ul>" if items else ""
    if page.link:
        href, (it, en) = page.link
        more += f'<p><a href="{escape(href)}">{escape(it)} <span lang="en">/ {escape(en)}</span></a></p>'
    html = (
        f'<!doctype html><html lang="it"><head><meta charset="utf-8"><title>{escape(page.title[0])} - Cantiere'
        '</title><meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>'
        f"<h1>{escape(page.title[0])}</h1>{lines}{more}</main></body></html>"
    )
    return HTMLResponse(html, status_code=page.status)
