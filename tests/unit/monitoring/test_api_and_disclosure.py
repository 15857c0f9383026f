"""The read-only API: analysts and auditors only; every shown count in JSON, CSV and HTML is 0 or >= threshold."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from cantiere_monitoring.entrypoints.api import monitoring_app
from cantiere_monitoring.service_layer.figures import Figures
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.identity.issuers import IssuerSettings
from cantiere_runtime.territory import territory_by_code
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.identity import MONITORING as MONITORING_AUDIENCE
from tests.support.identity import TEST_ISSUERS

from .known_history import known_history, project

BARI = territory_by_code("bari-pilot")
ISSUERS = [
    IssuerSettings(**TEST_ISSUERS.issuer(BARI.partners.monitoring.code, MONITORING_AUDIENCE)),
    # The capofila of each ambito signs in its Ufficio di Piano, and may grant that role only.
    *[
        IssuerSettings(**TEST_ISSUERS.issuer(a.capofila, MONITORING_AUDIENCE, roles=[Role.DISTRICT_PLANNER.value]))
        for a in BARI.ambiti
    ],
]
THRESHOLD = BARI.disclosure_threshold
MONITORING = BARI.partners.monitoring.code
ROUTES = ["/indicators", "/procedure", "/exports/indicators.csv", "/exports/indicators.json", "/masterplan",
          "/masterplan?lang=en"]  # fmt: skip


def token(role: Role, partner: str = MONITORING) -> dict[str, str]:
    """Authorization header for an invented user."""
    return TEST_ISSUERS.bearer(Principal(user_id="u-1", role=role, partner=partner), MONITORING_AUDIENCE)


@pytest_asyncio.fixture
async def client(engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    await project(engine, known_history())
    app = monitoring_app(BARI, ISSUERS)
    app.state.figures = Figures(engine, BARI)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://monitoring") as http:
        yield http


def shown_counts(document: Any) -> Iterator[int]:
    """Every count a JSON document shows: the `value` of each published cell."""
    if isinstance(document, dict):
        if "value" in document and isinstance(document["value"], int):
            yield document["value"]
        for item in document.values():
            yield from shown_counts(item)
    elif isinstance(document, list):
        for item in document:
            yield from shown_counts(item)


def allowed(count: int) -> bool:
    return count == 0 or count >= THRESHOLD


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AUDITOR])
async def test_analysts_and_auditors_of_the_monitoring_partner_may_read(client: httpx.AsyncClient, role: Role) -> None:
    for route in ROUTES:
        assert (await client.get(route, headers=token(role))).status_code == 200, route


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.ANALYST, Role.AUDITOR)])
async def test_every_other_role_is_refused(client: httpx.AsyncClient, role: Role) -> None:
    for route in ROUTES:
        assert (await client.get(route, headers=token(role))).status_code == 403, route


async def test_an_analyst_of_another_partner_or_without_token_is_refused(client: httpx.AsyncClient) -> None:
    # Bari's issuer is not the Region's: refused as not authenticated here, whatever its claims say.
    assert (await client.get("/indicators", headers=token(Role.ANALYST, partner="bari"))).status_code == 401
    claims_region = Principal(user_id="u-1", role=Role.ANALYST, partner=MONITORING)
    forged = TEST_ISSUERS.bearer(claims_region, MONITORING_AUDIENCE, issuer_partner="bari")
    assert (await client.get("/indicators", headers=forged)).status_code == 401
    assert (await client.get("/indicators")).status_code == 401


async def test_every_count_in_json_and_exports_is_zero_or_at_least_the_threshold(client: httpx.AsyncClient) -> None:
    headers = token(Role.ANALYST)
    for route in ("/indicators", "/procedure", "/exports/indicators.json"):
        counts = list(shown_counts((await client.get(route, headers=headers)).json()))
        assert counts and all(allowed(c) for c in counts), (route, counts)
    rows = list(csv.DictReader(io.StringIO((await client.get("/exports/indicators.csv", headers=headers)).text)))
    values = [int(row["value"]) for row in rows if row["value"]]
    assert values and all(allowed(v) for v in values)
    assert any(row["suppressed"] == "small" for row in rows)  # the known history has small cells


async def test_every_count_in_the_masterplan_is_zero_or_at_least_the_threshold(client: httpx.AsyncClient) -> None:
    for lang, heading in (("it", "Il programma in cifre"), ("en", "The programme in figures")):
        html = (await client.get(f"/masterplan?lang={lang}", headers=token(Role.ANALYST))).text
        assert heading in html and "<svg" in html
        assert not re.search(r"""(src|href)=["']?https?:""", html)  # self-contained
        counts = [int(c) for c in re.findall(r'data-count="(\d+)"', html)]
        assert counts and all(allowed(c) for c in counts)
        # Withheld cells show their marker, never their count.
        assert ("meno di 5" if lang == "it" else "fewer than 5") in html


async def test_health_still_answers(client: httpx.AsyncClient) -> None:
    assert (await client.get("/live")).status_code == 200


async def test_the_ufficio_di_piano_sees_its_ambitos_published_figures_and_nothing_else(
    client: httpx.AsyncClient,
) -> None:
    planner = token(Role.DISTRICT_PLANNER, "triggiano")
    answer = await client.get("/ambito", headers=planner)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ambito"]["code"] == "ambito-triggiano" and set(body["municipalities"]) == {
        "triggiano", "adelfia", "capurso", "cellamare", "valenzano"
    }  # fmt: skip
    whole = (await client.get("/indicators", headers=token(Role.ANALYST))).json()
    for name, flow in body["flows"].items():
        published = whole["flows"][name]["by"]["municipality"]
        if "cells" not in published:
            assert flow["municipalities"] == published  # withheld in the release: withheld here too
            continue
        for municipality, cell in flow["municipalities"].items():
            assert published["cells"][municipality] == cell  # exactly as the whole release shows it
        assert set(flow["municipalities"]) <= set(body["municipalities"])  # no other municipality
    assert all(allowed(count) for count in shown_counts(body))
    for route in ROUTES:
        assert (await client.get(route, headers=planner)).status_code == 403, route  # figures of its ambito only


async def test_only_a_capofila_signs_in_a_planner_and_no_other_role_reads_the_ambito(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/ambito", headers=token(Role.DISTRICT_PLANNER, "capurso"))).status_code == 401
    assert (await client.get("/ambito", headers=token(Role.ANALYST))).status_code == 403
    as_analyst = TEST_ISSUERS.bearer(
        Principal(user_id="u", role=Role.ANALYST, partner="triggiano"), MONITORING_AUDIENCE
    )
    assert (await client.get("/indicators", headers=as_analyst)).status_code in (401, 403)  # its issuer: planners only
