"""The Region's pages in a real browser: an analyst opens the dashboard, switches releases and downloads the
Masterplan in both languages and formats; an anonymous visitor reaches open data and nothing else. Every page
passes axe (0 serious or critical) and leaves a screenshot in var/screenshots."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import httpx
import nats
import pytest
from cantiere_runtime.auth import Principal, Role
from playwright.sync_api import Browser, Page, expect

from tests.integration.monitoring.test_projections_from_the_bus import publish
from tests.support.identity import MONITORING
from tests.unit.monitoring.known_history import known_history

from .signin import accessible, demo_user, signed_in
from .system import BARI, BARI_MANAGERS, REGION, System

ANALYST = demo_user(REGION, "an")


@pytest.fixture(scope="module")
def figures_published(system: System, nats_server: object) -> System:
    """The invented history of the unit tests, published on the bus; the monitoring service projects it."""
    url = system.monitoring.url

    async def send() -> None:
        nc = await nats.connect(nats_server.url)  # type: ignore[attr-defined]
        try:
            await publish(nc, known_history())
        finally:
            await nc.close()

    sender = threading.Thread(target=asyncio.run, args=(send(),))  # Playwright owns this thread's loop
    sender.start()
    sender.join(30)
    headers = system.provider.bearer(Principal(user_id="u-1", role=Role.ANALYST, partner=REGION), MONITORING)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body = httpx.get(f"{url}/indicators", headers=headers).json()
        if body.get("flows", {}).get("referrals", {}).get("total") == {"value": 8}:
            return system
        time.sleep(0.2)
    raise AssertionError(f"monitoring did not project the history: {body}")


@pytest.fixture
def page(browser: Browser, figures_published: System) -> Iterator[Page]:
    context = browser.new_context(
        base_url=figures_published.monitoring.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(15000)
    tab = context.new_page()
    yield tab
    context.close()


def test_an_analyst_opens_the_dashboard_and_switches_releases(page: Page, figures_published: System) -> None:
    base = figures_published.monitoring.url
    signed_in(page, base, ANALYST, organisation=BARI.partners.monitoring.name)
    expect(page.get_by_role("heading", level=1)).to_have_text("Il programma in cifre")
    expect(
        page.get_by_role("heading", name="Il percorso: segnalate, accolte, abbinate, avviate, concluse", level=2)
    ).to_be_visible()
    mola = page.locator("tr", has=page.get_by_role("rowheader", name="Mola di Bari", exact=True)).first
    expect(mola).to_contain_text("meno di 5")  # one person referred: the marker, never the count
    accessible(page, "monitoring-dashboard-programme")

    page.locator("#campo-period").select_option("2008")
    page.get_by_role("button", name="Mostra").click()
    page.wait_for_url(f"{base}/?period=2008")
    expect(page.locator("p.lead")).to_contain_text("Anno 2008")
    expect(page.locator("#campo-period")).to_have_value("2008")
    accessible(page, "monitoring-dashboard-2008")

    page.locator("#campo-period").select_option("2008-Q1")
    page.get_by_role("button", name="Mostra").click()
    page.wait_for_url(f"{base}/?period=2008-Q1")
    expect(page.locator("p.lead")).to_contain_text("1° trimestre 2008")
    accessible(page, "monitoring-dashboard-2008-q1")

    page.locator('a.cantiere-language[hreflang="en"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The programme in figures")
    expect(page.get_by_text("fewer than 5").first).to_be_visible()
    accessible(page, "monitoring-dashboard-en")


@pytest.mark.timeout(400)  # four documents; printing a PDF takes seconds, more on a busy machine
def test_an_analyst_downloads_the_masterplan_in_both_languages_and_formats(
    page: Page, figures_published: System
) -> None:
    base = figures_published.monitoring.url
    signed_in(page, base, ANALYST, organisation=BARI.partners.monitoring.name)
    page.goto("/?period=2008-Q1")
    for lang, title in (("it", "Masterplan del programma"), ("en", "Programme Masterplan")):
        link = page.locator(f'a[href*="lang={lang}&format=pdf"]')
        with page.expect_download(timeout=120_000) as download:  # a PDF takes seconds on a busy machine
            link.click()
        pdf = download.value
        assert pdf.suggested_filename == f"masterplan-bari-pilot-2008-q1-{lang}.pdf"
        assert open(pdf.path(), "rb").read(5) == b"%PDF-"  # noqa: SIM115 - a short read of a test artefact
        page.locator(f'a[href*="lang={lang}&format=html"]').click()
        expect(page).to_have_title(f"{title} — Il Cantiere dell'inclusione (Bari, 2008-09)")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        accessible(page, f"monitoring-masterplan-2008-q1-{lang}")
        page.go_back()


def test_an_anonymous_visitor_reaches_open_data_and_nothing_else(page: Page, figures_published: System) -> None:
    base = figures_published.monitoring.url
    page.goto("/dati-aperti")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dati aperti")
    expect(page.get_by_role("button", name="Esci")).to_have_count(0)  # nobody signed in
    accessible(page, "monitoring-open-data")
    with page.expect_download() as download:
        page.locator('a[href="/open-data/programme.csv"]').click()
    header = open(download.value.path(), encoding="utf-8").readline().strip()  # noqa: SIM115
    assert header == "sezione,indicatore,dimensione,voce,valore,motivo_omissione,nota"
    catalogue = httpx.get(f"{base}/open-data/catalogo.jsonld").json()
    assert len(catalogue["dcat:dataset"]) >= 1

    for path in ("/", "/?period=2008", "/cruscotto/masterplan?lang=it&format=pdf"):
        page.goto(path)
        expect(page).to_have_url(f"{base}/accedi?next={path.split('?')[0]}")
    for path in ("/indicators", "/procedure", "/masterplan", "/exports/indicators.csv", "/ambito"):
        assert httpx.get(f"{base}{path}").status_code == 401


def test_bari_s_municipal_manager_signs_in_with_bari_s_issuer_and_sees_bari_only(
    page: Page, figures_published: System
) -> None:
    base = figures_published.monitoring.url
    signed_in(page, base, demo_user("bari", "mm"), organisation=BARI_MANAGERS)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bari in cifre")
    expect(page.get_by_role("rowheader", name="Mola di Bari", exact=True)).to_have_count(0)
    accessible(page, "monitoring-municipality-bari")
    page.goto("/cruscotto/masterplan?lang=it&format=html")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accesso non consentito")  # the Region's document
