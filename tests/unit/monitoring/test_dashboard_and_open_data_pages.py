"""The Region's pages over the API's own figures: the dashboard offers exactly the fixed releases and shows only
published cells (a withheld one as its marker); open data serves closed releases to anyone and nothing else is
public."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import pytest_asyncio
from cantiere_monitoring.domain.releases import releases
from cantiere_monitoring.entrypoints.api import monitoring_app
from cantiere_monitoring.entrypoints.exports import OPEN_DATA_HEADER
from cantiere_monitoring.entrypoints.pages import install_monitoring_pages
from cantiere_monitoring.service_layer.figures import Figures, default_period
from cantiere_runtime.auth import Role
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.referrals.pages import install_test_sign_in, sign_in_url

from .known_history import known_history, project
from .test_api_and_disclosure import BARI, ISSUERS, MONITORING, allowed, shown_counts, token

RELEASES = [r.name for r in releases(default_period(BARI))]


@pytest_asyncio.fixture
async def app_figures(engine: AsyncEngine) -> AsyncIterator[Any]:
    await project(engine, known_history())
    app = monitoring_app(BARI, ISSUERS)
    install_monitoring_pages(app, BARI)
    install_test_sign_in(app)
    app.state.figures = Figures(engine, BARI)
    yield app


@asynccontextmanager
async def _client(app: Any, role: Role | None = None, partner: str = MONITORING) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client, signed in as `role` (test-only sign-in) or anonymous."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://monitoring") as http:
        if role is not None:
            await http.get(sign_in_url(role, partner=partner, user="an-1"))
        yield http


def page_counts(html: str) -> list[int]:
    return [int(c) for c in re.findall(r'data-count="(\d+)"', html)]


async def test_the_release_chooser_offers_exactly_the_releases_the_api_serves(app_figures: Any) -> None:
    async with _client(app_figures, Role.ANALYST) as http:
        html = (await http.get("/")).text
        offered = re.findall(r'<option value="([^"]+)"', html)
        assert offered == RELEASES
        for name in offered:
            assert (await http.get(f"/indicators?period={name}", headers=token(Role.ANALYST))).status_code == 200
        assert (await http.get("/?period=2008-03")).status_code == 422  # a month is no release, on the page either


@pytest.mark.parametrize("period", RELEASES)
async def test_every_count_on_the_dashboard_is_a_cell_the_api_publishes_for_that_release(
    app_figures: Any, period: str
) -> None:
    async with _client(app_figures, Role.AUDITOR) as http:
        html = (await http.get(f"/?period={period}")).text
        published = (await http.get(f"/indicators?period={period}", headers=token(Role.ANALYST))).json()
        procedure = (await http.get(f"/procedure?period={period}", headers=token(Role.ANALYST))).json()
    counts = page_counts(html)
    assert all(allowed(c) for c in counts), counts
    # 0 also stands for a key a published breakdown leaves unlisted (none of its people), as the API means it
    assert set(counts) - {0} <= set(shown_counts(published)) | set(shown_counts(procedure))
    assert f'<option value="{period}" selected>' in html


async def test_a_withheld_cell_reads_fewer_than_five_never_its_count(app_figures: Any) -> None:
    async with _client(app_figures, Role.ANALYST) as http:
        html = (await http.get("/")).text
    # Mola di Bari referred one person (known_history): the row says "meno di 5" and carries no count.
    row = re.search(r'<th scope="row">Mola di Bari</th>(.*?)</tr>', html, re.S)
    assert row and "meno di 5" in row[1] and "data-count" not in row[1].split("</td>")[0]
    assert "<svg" in html and "<caption>" in html and "In breve:" in html  # charts with their table and text


async def test_the_dashboard_offers_the_masterplan_in_both_languages_and_formats(app_figures: Any) -> None:
    async with _client(app_figures, Role.ANALYST) as http:
        html = (await http.get("/?period=2008")).text
        links = re.findall(r'href="(/cruscotto/masterplan\?[^"]+)"', html)
        assert len(links) == 4
        html_it = await http.get("/cruscotto/masterplan?period=2008&lang=it&format=html")
        assert html_it.status_code == 200 and "Masterplan del programma" in html_it.text
        assert "2008-01-01" in html_it.text
    async with _client(app_figures) as anonymous:
        refused = await anonymous.get("/cruscotto/masterplan?period=2008&lang=it&format=html")
        assert refused.status_code == 303 and refused.headers["location"].startswith("/accedi")


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.ANALYST, Role.AUDITOR)])
async def test_no_other_role_opens_the_dashboard(app_figures: Any, role: Role) -> None:
    async with _client(app_figures, role) as http:
        answer = await http.get("/cruscotto/masterplan")
        assert answer.status_code == 403


async def test_open_data_serves_each_closed_release_to_anyone_with_the_same_figures(app_figures: Any) -> None:
    async with _client(app_figures) as anonymous:
        page = await anonymous.get("/dati-aperti")
        assert page.status_code == 200
        files = re.findall(r'href="(/open-data/[^"]+)"', page.text)
        assert "/open-data/catalogo.jsonld" in files and "/open-data/programme.csv" in files
        # The pilot ended in 2009: every release is closed, and each has its CSV and JSON.
        assert len([f for f in files if f.endswith(".csv")]) == len(RELEASES)
        published = (await anonymous.get("/indicators")).status_code
        assert published == 401  # the API itself stays closed
        text = (await anonymous.get("/open-data/programme.csv")).text
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == OPEN_DATA_HEADER == ["sezione", "indicatore", "dimensione", "voce", "valore",
                                               "motivo_omissione", "nota"]  # fmt: skip
        assert any(row[6] == "meno di 5" and row[4] == "" for row in rows[1:])
        values = [int(row[4]) for row in rows[1:] if row[4]]
        assert all(allowed(v) for v in values)
        document = json.loads((await anonymous.get("/open-data/programme.json")).text)
    async with _client(app_figures) as api:
        indicators = (await api.get("/indicators", headers=token(Role.ANALYST))).json()
    assert json.loads(json.dumps(indicators, default=str)) == document["indicators"]
    assert set(values) <= set(shown_counts(indicators))


async def test_the_catalogue_is_dcat_ap_it_with_a_dataset_per_closed_release(app_figures: Any) -> None:
    async with _client(app_figures) as anonymous:
        catalogue = (await anonymous.get("/open-data/catalogo.jsonld")).json()
    assert "dcatapit:Catalog" in catalogue["@type"]
    assert catalogue["@context"]["dcatapit"] == "http://dati.gov.it/onto/dcatapit#"
    datasets = catalogue["dcat:dataset"]
    assert [d["dct:identifier"] for d in datasets] == [f"bari-pilot:{name}" for name in RELEASES]
    for dataset in datasets:
        assert "dcatapit:Dataset" in dataset["@type"] and dataset["dct:publisher"]["dct:identifier"] == MONITORING
        urls = [d["dcat:downloadURL"]["@id"] for d in dataset["dcat:distribution"]]
        assert [u.rsplit(".", 1)[1] for u in urls] == ["csv", "json"]


async def test_an_unknown_release_is_not_open_data(app_figures: Any) -> None:
    async with _client(app_figures) as anonymous:
        assert (await anonymous.get("/open-data/2008-03.csv")).status_code == 404
        assert (await anonymous.get("/open-data/1999.json")).status_code == 404


async def test_a_municipal_manager_sees_the_own_municipalitys_figures_suppressed_on_their_own(
    app_figures: Any,
) -> None:
    async with _client(app_figures, Role.MUNICIPAL_MANAGER, partner="bari") as http:
        html = (await http.get("/")).text
    assert "<h1>Bari in cifre</h1>" in html
    # Bari's own seven people (known_history; the eighth is Mola di Bari's): its funnel, threshold applied to it.
    funnel = re.search(r'id="percorso".*?</section>', html, re.S)
    assert funnel and 'data-count="7"' in funnel[0] and 'data-count="8"' not in funnel[0]
    assert "Mola di Bari" not in html  # no other municipality's row
    assert all(allowed(c) for c in page_counts(html))
    assert "/cruscotto/masterplan" not in html and "Obiettivo e budget" not in html  # the programme's, not its own


async def test_a_municipal_manager_of_a_municipality_outside_the_territory_is_refused(app_figures: Any) -> None:
    async with _client(app_figures, Role.MUNICIPAL_MANAGER, partner="altamura") as http:
        assert (await http.get("/")).status_code == 403
