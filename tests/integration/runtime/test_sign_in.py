"""Browser sign-in through the development identity provider, running for real: authorization code with PKCE,
the session cookie, pages that need a session, CSRF on every cookie-authenticated POST, idle timeout, logout."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import pytest_asyncio
from cantiere_referrals.bootstrap import load_settings
from cantiere_referrals.entrypoints.api import create_app
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.identity.dev_provider import ProductionRefused, create_dev_provider
from cantiere_runtime.sessions import SessionRegistry
from cantiere_runtime.signin import CSRF_FIELD, csrf_token, require_page
from cantiere_runtime.signin_flow import safe_next
from cantiere_runtime.territory import territory_by_code
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from tests.support.identity import MONITORING, PLACEMENTS, REFERRALS, RunningProvider, dev_provider

BARI = territory_by_code("bari-pilot")
SERVICE = "http://127.0.0.1:8399"  # served in-process: the test client routes this origin to the app
WORKER = "demo-bari-sw-2"  # Bari's social worker of Municipio I


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    with dev_provider(BARI, tmp_path_factory.mktemp("var")) as running:
        yield running


def with_test_page(app: FastAPI) -> FastAPI:
    """A page and a form of the kind the pages engineer writes, on the sign-in interface only."""
    worker = Depends(require_page(Role.SOCIAL_WORKER))

    @app.get("/prova", response_class=HTMLResponse)
    async def page(request: Request, who: Principal = worker) -> str:
        hidden = f'<input type="hidden" name="{CSRF_FIELD}" value="{csrf_token(request)}">'
        form = f'<form method="post" action="/prova">{hidden}'
        return f"<p>{who.user_id} {who.district}</p>{form}<button>Invia</button></form>"

    @app.post("/prova", response_class=PlainTextResponse)
    async def post(who: Principal = worker) -> str:
        return f"ok {who.user_id}"

    return app


@dataclass
class Browser:
    http: httpx.AsyncClient
    app: FastAPI
    provider: RunningProvider

    @property
    def sessions(self) -> SessionRegistry:
        registry: SessionRegistry = self.app.state.sessions
        return registry

    async def sign_in(self, user: str = WORKER, next_path: str = "/prova") -> httpx.Response:
        picker = await self.http.get(f"{SERVICE}/accedi", params={"next": next_path})
        assert picker.status_code == 200 and "Municipio I" in picker.text, picker.text
        return await self.http.post(str(picker.url), data={"user": user})

    async def csrf(self) -> str:
        page = await self.http.get(f"{SERVICE}/prova")
        found = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page.text)
        assert found, page.text
        return found.group(1)


@pytest_asyncio.fixture
async def browser(provider: RunningProvider, tmp_path: Path) -> AsyncIterator[Browser]:
    settings = load_settings(
        partner="bari",
        database_url=f"sqlite:///{tmp_path / 'bari.db'}",
        environment="test",
        log_format="json",
        public_url=SERVICE,
        oidc_issuers=[provider.settings("bari", REFERRALS)],
    )
    app = with_test_page(create_app(settings, connect_nats=False))
    mounts = {SERVICE: httpx.ASGITransport(app=app)}
    async with app.router.lifespan_context(app), httpx.AsyncClient(mounts=mounts, follow_redirects=True) as http:
        yield Browser(http, app, provider)


async def test_signing_in_follows_the_code_flow_with_pkce_and_opens_a_session(browser: Browser) -> None:
    start = await browser.http.get(f"{SERVICE}/accedi", params={"next": "/prova"}, follow_redirects=False)
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"] and query["nonce"]
    assert query["redirect_uri"] == [f"{SERVICE}/auth/callback"] and query["response_type"] == ["code"]
    landed = await browser.sign_in()
    assert (landed.status_code, str(landed.url)) == (200, f"{SERVICE}/prova")
    assert f"{WORKER} municipio-1" in landed.text
    cookie = next(h for h in landed.history[-1].headers.get_list("set-cookie") if h.startswith("cantiere_referrals"))
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert all(WORKER not in str(step.url) for step in landed.history[2:])  # the user id never rides in a URL


async def test_a_page_without_a_session_redirects_to_sign_in_keeping_only_a_local_next(browser: Browser) -> None:
    answer = await browser.http.get(f"{SERVICE}/prova", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/accedi?next=/prova")
    landed = await browser.sign_in(next_path="https://elsewhere.example/steal")
    assert urlsplit(str(landed.url))[:3] == ("http", "127.0.0.1:8399", "/")


async def test_a_post_without_or_with_a_wrong_csrf_token_is_refused(browser: Browser) -> None:
    await browser.sign_in()
    token = await browser.csrf()
    assert token == await browser.csrf()  # stable for the session
    missing = await browser.http.post(f"{SERVICE}/prova", data={}, headers={"Accept": "text/html"})
    assert missing.status_code == 403 and "Richiesta rifiutata" in missing.text
    assert "Il modulo è scaduto" in missing.text
    english = await browser.http.post(
        f"{SERVICE}/prova", data={}, headers={"Accept": "text/html"}, cookies={"lingua": "en"}
    )
    assert english.status_code == 403 and "The form expired" in english.text
    wrong = await browser.http.post(f"{SERVICE}/prova", data={CSRF_FIELD: token[:-2] + "xx"})
    assert wrong.status_code == 403 and wrong.json()["error"] == "csrf"
    right = await browser.http.post(f"{SERVICE}/prova", data={CSRF_FIELD: token})
    assert (right.status_code, right.text) == (200, f"ok {WORKER}")


async def test_api_clients_with_bearer_tokens_need_no_csrf_token(browser: Browser) -> None:
    worker = Principal(user_id="sw-1", role=Role.SOCIAL_WORKER, partner="bari")
    bearer = browser.provider.bearer(worker, REFERRALS)
    answer = await browser.http.post(f"{SERVICE}/people", json={}, headers=bearer)
    assert answer.status_code == 422  # past authentication and CSRF, into validation
    await browser.sign_in()
    with_cookie = await browser.http.post(f"{SERVICE}/people", json={}, headers=bearer)
    assert with_cookie.status_code == 422


async def test_an_idle_session_ends(browser: Browser) -> None:
    await browser.sign_in()
    now = browser.sessions.clock()
    browser.sessions.clock = lambda: now + 29 * 60
    assert (await browser.http.get(f"{SERVICE}/prova", follow_redirects=False)).status_code == 200
    browser.sessions.clock = lambda: now + 29 * 60 + 31 * 60  # 31 minutes after the last request
    answer = await browser.http.get(f"{SERVICE}/prova", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/accedi?next=/prova")
    told = await browser.http.get(f"{SERVICE}/accedi", params={"next": "/prova"})
    assert told.status_code == 200 and "Sessione scaduta" in told.text  # said, not silently signed in again
    again = await browser.http.get(f"{SERVICE}/accedi", params={"next": "/prova"}, follow_redirects=False)
    assert "prompt=login" in again.headers["location"]  # the IdP asks who is there, despite its own session
    asked = await browser.http.get(again.headers["location"])
    assert "scegli un utente dimostrativo" in asked.text.lower()


async def test_logout_ends_the_session_here_and_at_the_identity_provider(browser: Browser) -> None:
    await browser.sign_in()
    stolen = browser.http.cookies.get("cantiere_referrals_bari")
    assert stolen
    thief = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=browser.app), cookies={"cantiere_referrals_bari": stolen}
    )
    async with thief:
        assert (await thief.get(f"{SERVICE}/prova", follow_redirects=False)).status_code == 200  # before logout
    out = await browser.http.post(f"{SERVICE}/esci", data={CSRF_FIELD: await browser.csrf()})
    assert [urlsplit(str(r.url)).path for r in out.history] == ["/esci", "/bari/logout"]
    assert "id_token_hint" in str(out.history[1].url)
    assert (out.status_code, str(out.url)) == (200, f"{SERVICE}/uscito") and "Sei uscito" in out.text
    thief = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=browser.app), cookies={"cantiere_referrals_bari": stolen}
    )
    async with thief:
        replay = await thief.get(f"{SERVICE}/prova", follow_redirects=False)
    assert replay.status_code == 303  # a copy of the cookie opens nothing any more
    picker = await browser.http.get(f"{SERVICE}/accedi", params={"next": "/prova"})
    assert "scegli un utente dimostrativo" in picker.text  # the IdP asks again: its session ended too


async def test_the_identity_provider_keeps_its_own_session_until_logout(browser: Browser) -> None:
    await browser.sign_in()
    browser.http.cookies.delete("cantiere_referrals_bari")
    again = await browser.http.get(f"{SERVICE}/accedi", params={"next": "/prova"})
    assert str(again.url) == f"{SERVICE}/prova"  # signed in again without choosing: single sign-on


def test_the_development_provider_refuses_to_run_in_production(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CANTIERE_ENVIRONMENT", "production")
    with pytest.raises(ProductionRefused):
        create_dev_provider(BARI, tmp_path, "http://127.0.0.1:1")


@pytest.mark.parametrize(
    ("value", "kept"),
    [("/prova", "/prova"), ("/a?b=1", "/a?b=1"), ("//elsewhere.example/x", "/"), ("/\\elsewhere.example", "/"),
     ("https://elsewhere.example/", "/"), ("prova", "/"), ("/a\nb", "/"), (None, "/")],
)  # fmt: skip
def test_only_local_paths_are_kept_as_next(value: str | None, kept: str) -> None:
    assert safe_next(value) == kept


async def test_sign_in_starts_on_every_service_and_placements_asks_which_organisation(
    provider: RunningProvider, tmp_path: Path
) -> None:
    from cantiere_monitoring.bootstrap import load_settings as monitoring_settings
    from cantiere_monitoring.entrypoints.api import create_app as monitoring_app
    from cantiere_placements.bootstrap import load_settings as placements_settings
    from cantiere_placements.entrypoints.api import create_app as placements_app

    consortium, centre = BARI.partners.consortium.code, BARI.partners.employment_centre.code
    placements = placements_app(placements_settings(
        database_url=f"sqlite:///{tmp_path / 'p.db'}", environment="test",
        oidc_issuers=[provider.settings(consortium, PLACEMENTS, label="ATI"),
                      provider.settings(centre, PLACEMENTS, label="Centro per l'Impiego")],
    ))  # fmt: skip
    monitoring = monitoring_app(monitoring_settings(
        database_url=f"sqlite:///{tmp_path / 'm.db'}", environment="test",
        oidc_issuers=[provider.settings(BARI.partners.monitoring.code, MONITORING)],
    ))  # fmt: skip
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=placements), base_url=SERVICE) as http:
        chooser = await http.get("/accedi", params={"next": "/validazioni"})
        assert chooser.status_code == 200 and "Centro per l'Impiego" in html.unescape(chooser.text)
        officer = await http.get("/accedi", params={"ente": centre, "next": "/validazioni"})
        assert officer.headers["location"].startswith(f"{provider.issuer(centre)}/authorize?")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=monitoring), base_url=SERVICE) as http:
        region = await http.get("/accedi")
        assert region.headers["location"].startswith(f"{provider.issuer(BARI.partners.monitoring.code)}/authorize?")
