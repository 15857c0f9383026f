"""Nothing of monitoring is public but open data: every route of the real application is walked without a session
or a token; those that answer are exactly the allow-list below, every other one refuses (401, or to the sign-in)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cantiere_monitoring.bootstrap import load_settings
from cantiere_monitoring.entrypoints.api import create_app
from cantiere_monitoring.service_layer.figures import Figures
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.routing import Mount

from tests.support.identity import MONITORING, TEST_ISSUERS

from .known_history import known_history, project
from .test_api_and_disclosure import BARI

# Public, and why. Anything else that answers without a session is a leak.
PUBLIC = {
    "/dati-aperti": "open data: the page",
    "/open-data/catalogo.jsonld": "open data: DCAT-AP_IT metadata",
    "/open-data/{name}.csv": "open data: a closed release's figures",
    "/open-data/{name}.json": "open data: a closed release's figures",
    "/health": "readiness for the orchestrator: no figures",
    "/live": "liveness for the orchestrator: no figures",
    "/accedi": "the sign-in",
    "/uscito": "the signed-out page",
    "/lingua/{code}": "the language switch (a cookie, then back)",
    "/docs": "the API's description (no data)",
    "/docs/oauth2-redirect": "the API's description (no data)",
    "/redoc": "the API's description (no data)",
    "/openapi.json": "the API's description (no data)",
    "/asyncapi.json": "the events' description (no data)",
    "/static": "the layout's assets",
}
SAMPLES = {"name": "programme", "code": "en", "path": "bootstrap-italia/VERSION"}


def _app(tmp_path: Path) -> FastAPI:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'm.db'}",
        oidc_issuers=[TEST_ISSUERS.issuer(BARI.partners.monitoring.code, MONITORING)],
        public_url="http://monitoring",
        metrics_token="invented-scrape-token-" + "s" * 16,  # as in production: /metrics only for Prometheus
    )
    return create_app(settings)


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: SAMPLES[m[1]], path)


def _paths(app: FastAPI) -> list[tuple[str, set[str]]]:
    """Every route of the app with its methods, included routers flattened (FastAPI keeps them apart)."""

    def walk(routes: list[Any], prefix: str) -> Iterator[tuple[str, set[str]]]:
        for route in routes:
            if isinstance(route, Mount):
                yield prefix + route.path, {"GET"}
            elif hasattr(route, "original_router"):  # an included router
                yield from walk(route.original_router.routes, prefix + route.include_context.prefix)
            elif isinstance(route, APIRoute) or hasattr(route, "methods"):
                yield prefix + route.path, set(route.methods or ())

    return list(walk(list(app.routes), ""))


@pytest.fixture
async def app(engine: AsyncEngine, tmp_path: Path) -> FastAPI:
    await project(engine, known_history())
    application = _app(tmp_path)
    application.state.figures = Figures(engine, BARI)
    return application


def _refuses(response: httpx.Response) -> bool:
    if response.status_code in (400, 401, 403, 405):  # 400: the sign-in's return without its state
        return True
    return response.status_code in (302, 303, 307) and response.headers["location"].startswith("/accedi")


async def test_every_route_but_the_allow_list_refuses_without_a_session(app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=app)
    answered: dict[str, int] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://monitoring") as anonymous:
        for path, methods in _paths(app):
            for method in methods - {"HEAD", "OPTIONS"}:
                url = _url(path) + ("/" + SAMPLES["path"] if path == "/static" else "")
                response = await anonymous.request(method, url, headers={"accept": "text/html"})
                if path in PUBLIC:
                    answered[path] = response.status_code
                    continue
                assert _refuses(response), (method, path, response.status_code)
    open_data = ("/dati-aperti", "/open-data/catalogo.jsonld", "/open-data/{name}.csv", "/open-data/{name}.json")
    assert all(answered[path] == 200 for path in open_data), answered


async def test_the_allow_list_names_only_routes_that_exist(app: FastAPI) -> None:
    paths = {path for path, _ in _paths(app)}
    assert set(PUBLIC) <= paths, set(PUBLIC) - paths
    assert {"/", "/indicators", "/masterplan", "/cruscotto/masterplan", "/ambito"} <= paths  # the walk sees them all


@pytest.mark.parametrize("path", ["/", "/?period=2008", "/indicators", "/procedure", "/masterplan",
                                  "/exports/indicators.csv", "/cruscotto/masterplan", "/ambito"])  # fmt: skip
async def test_the_figures_behind_the_sign_in_are_refused_to_an_anonymous_visitor(app: FastAPI, path: str) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://monitoring") as anonymous:
        response = await anonymous.get(path, headers={"accept": "text/html"})
    assert _refuses(response), (path, response.status_code)
