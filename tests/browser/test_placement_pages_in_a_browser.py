"""The consortium's pages in a real browser: an operator takes a referral from candidate to a running internship
(work queue with deadlines, candidate file, intake, a refused and an accepted proposal, every step to the first
day); a host tutor fills a month on a phone; the allowances export; each role refused where it must be. Every page
is checked with axe."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from cantiere_runtime.identity.dev_users import DEMO_HOSTS
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from tests.e2e.people import Invented
from tests.integration.referrals.invented import vat_number

from .placement_journey import (
    month_of,
    operator_api,
    project_dates,
    refer,
    register_host,
    running_internship,
    validate,
)
from .signin import accessible, choose_user, demo_user, signed_in
from .system import BARI, CONSORTIUM, System

CONSORTIUM_NAME = BARI.partners.consortium.name
OPERATOR = demo_user(CONSORTIUM, "po")
COORDINATOR = demo_user(CONSORTIUM, "pc")
TUTOR_1, TUTOR_2 = demo_user(CONSORTIUM, "ct", 1), demo_user(CONSORTIUM, "ct", 2)
HOST_TUTOR_ID = str(uuid.UUID(int=0x0190D1A0_0000_7000_8000_0000000A0001))  # a tutor of the first demo host
# Invented people (tests/e2e/people.py style): valid tax codes from invented data.
ANEMONE = Invented(11, "bari", "Anemone", "Trifogliati", date(1991, 5, 14), True, district="municipio-1")
CAMOMILLA = Invented(12, "bari", "Camomilla", "Rosmarinelli", date(1987, 8, 2), True, district="municipio-2")
ALOE = Invented(13, "bari", "Aloe", "Girasolini", date(1980, 3, 3), False, district="municipio-3")
TODAY = date.today()
MONTHS_IT = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
]


@pytest.fixture
def page(browser: Browser, system: System) -> Iterator[Page]:
    context = browser.new_context(base_url=system.placements.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def phone(browser: Browser, system: System) -> Iterator[Page]:
    """A phone-sized screen with touch, as a host tutor at work would have."""
    context = browser.new_context(
        base_url=system.placements.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15000)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page: Page, system: System, user: str, next_path: str = "/") -> None:
    """As ``signed_in``, choosing the organisation in the page's main part (on a phone the header's brand link
    carries the same name)."""
    page.goto(f"{system.placements.url}/accedi?next={next_path}")
    page.locator("main").get_by_role("link", name=CONSORTIUM_NAME, exact=True).click()
    choose_user(page, user)
    page.wait_for_url(f"{system.placements.url}{next_path}")


def open_step(page: Page, slug: str) -> None:
    """A placement's steps are folded (details); the user opens the one they take."""
    step = page.locator(f"#passo-{slug}")
    if step.get_attribute("open") is None:
        step.locator("summary").click()


WRONG_VAT = "01234560018"  # 11 digits with a wrong check digit: the form lets it through, the domain refuses it


def refused_in_english(page: Page) -> None:
    """With English chosen, the domain's refusal of a host registration reads in English; then back to Italian."""
    page.get_by_role("link", name="EN (English)").click()
    page.goto("/aziende")
    page.locator("#campo-company_name").fill("Forno Immaginario Due Snc")
    page.locator("#campo-vat_number").fill(WRONG_VAT)
    page.locator("#campo-site_address").fill("Via delle Prove 5, Bari")
    page.locator("#campo-site_municipality").select_option("bari")
    page.locator("#campo-sector_code").fill("10.71")
    page.locator("#campo-permanent_headcount").fill("3")
    for n in range(1, 5):
        page.locator(f"label[for=campo-declarations-{n}]").click()
    page.locator("#campo-vat_number").press("Enter")
    expect(page.locator("#errori")).to_contain_text("The VAT number (partita IVA) is not valid: check its 11 digits.")
    page.get_by_role("link", name="IT (Italiano)").click()


def flashed(page: Page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text).first).to_be_visible()


@pytest.mark.timeout(480)  # a long journey, every page checked by axe, on a shared 2-core machine
def test_an_operator_takes_a_referral_from_candidate_to_a_running_internship(page: Page, system: System) -> None:
    register_host(system, DEMO_HOSTS[0], 1)
    person_id = refer(system, ANEMONE, keep_apart_from=ALOE.tax_code)
    short = person_id[:8]
    sign_in(page, system, OPERATOR)

    page.goto("/percorsi")
    row = page.get_by_role("row").filter(has_text=short)
    expect(row).to_contain_text("Decisione sulla segnalazione")
    expect(row).to_contain_text((TODAY + timedelta(days=15)).strftime("%d/%m/%Y"))  # the territory's 15 days
    expect(row).to_contain_text("Nei tempi")
    accessible(page, "placements-10-percorsi")

    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scheda del candidato")
    expect(page.locator("#vincoli")).to_contain_text("vincoli presenti")
    content = page.content()
    assert ALOE.tax_code not in content and "30" not in page.locator("#vincoli").inner_text()
    accessible(page, "placements-11-candidato-segnalato")
    page.get_by_role("button", name="Accogli la segnalazione").click()
    flashed(page, "Segnalazione accolta")
    page.get_by_label("Colloquio tenuto il").fill(TODAY.isoformat())
    page.get_by_role("button", name="Registra il colloquio").click()
    flashed(page, "Colloquio registrato")
    page.get_by_label("Competenze valutate (codici del programma)").fill("kitchen.basic\nkitchen.hygiene")
    page.get_by_role("button", name="Registra le competenze").click()
    flashed(page, "Competenze registrate")
    page.get_by_label("Nome di battesimo per il tutor aziendale").fill(ANEMONE.first_name)
    page.get_by_role("button", name="Conserva il nome").click()
    flashed(page, "Nome di battesimo conservato")

    page.get_by_label("Perché ti servono i contatti").fill("Fissare il colloquio con l'azienda")
    page.get_by_role("button", name="Chiedi i contatti al comune").click()
    expect(page.locator("#contatti-mostrati")).to_contain_text(ANEMONE.personal_data()["phone"])
    accessible(page, "placements-12-candidato-contatti")
    page.goto(f"/candidati/{person_id}")  # shown once: the file shows the form again, never the contacts
    expect(page.locator("#contatti-mostrati")).to_have_count(0)

    page.goto("/aziende")
    page.get_by_label("Ragione sociale").fill("Forno Immaginario Snc")
    page.get_by_label("Partita IVA").fill(vat_number(7_777))
    page.get_by_label("Indirizzo della sede").fill("Via delle Prove 3, Bari")
    page.get_by_label("Comune della sede").select_option("bari")
    page.get_by_label("Settore (codice ATECO)").fill("10.71")
    page.get_by_label("Dipendenti a tempo indeterminato").fill("12")
    page.get_by_role("button", name="Registra l'azienda").click()
    expect(page.locator("#errori")).to_be_visible()  # the declarations are required
    for n in range(1, 5):
        page.locator(f"label[for=campo-declarations-{n}]").click()
    page.get_by_label("Partita IVA").fill(WRONG_VAT)
    page.get_by_role("button", name="Registra l'azienda").click()
    expect(page.locator("#errori")).to_contain_text("La partita IVA non è valida: controlla le 11 cifre.")
    expect(page.locator("#errori")).not_to_contain_text("VAT number")
    page.get_by_label("Partita IVA").fill(vat_number(7_777))
    page.get_by_role("button", name="Registra l'azienda").click()
    flashed(page, "Azienda registrata")
    refused_in_english(page)
    expect(page.get_by_role("table")).to_contain_text("Forno Immaginario Snc")
    tutor_row = page.locator(f"#azienda-{DEMO_HOSTS[0]}")
    tutor_row.get_by_label("Codice del tutor da assegnare").fill(HOST_TUTOR_ID)
    tutor_row.get_by_role("button", name="Assegna il tutor").click()
    flashed(page, "Tutor assegnato")
    accessible(page, "placements-13-aziende")

    page.goto(f"/candidati/{person_id}")
    suggestions = page.locator("#proposta table")
    expect(suggestions).to_contain_text("supera tutti i controlli")
    expect(suggestions).to_contain_text("settore tra quelli preferiti")
    page.locator("#campo-host_id").select_option(DEMO_HOSTS[0])
    page.locator("#campo-hours_per_week").fill("40")  # more than the municipality allows
    page.get_by_role("button", name="Proponi l'inserimento").click()
    expect(page.locator("#proposta .alert-danger")).to_contain_text("orario non compatibile")
    accessible(page, "placements-14-proposta-rifiutata")
    page.locator("#campo-host_id").select_option(DEMO_HOSTS[0])
    page.locator("#campo-hours_per_week").fill("20")
    page.get_by_role("button", name="Proponi l'inserimento").click()
    page.wait_for_url(re.compile(r"/tirocini/[0-9a-f-]{36}$"))
    placement_id = page.url.rsplit("/", 1)[-1]
    expect(page.locator("#stato-inserimento")).to_have_text("Proposto")

    signed, first, last = project_dates(TODAY)
    for party in ("person", "host"):
        open_step(page, "accettazione")
        page.locator("#campo-accettazione-party").select_option(party)
        page.get_by_role("button", name="Registra l'accettazione").click()
        flashed(page, "Accettazione registrata")
    open_step(page, "convenzione")
    page.locator("#campo-convenzione-signed_on").fill(signed.isoformat())
    page.get_by_role("button", name="Registra la firma").click()
    flashed(page, "Convenzione firmata")
    open_step(page, "progetto")
    page.locator("#campo-progetto-objectives").fill("kitchen.basic")
    page.locator("#campo-progetto-promoter_tutor_id").fill(str(uuid.uuid4()))
    page.locator("#campo-progetto-host_tutor_id").select_option(HOST_TUTOR_ID)
    page.locator("#campo-progetto-hours_per_week").fill("20")
    page.locator("#campo-progetto-starts_on").fill(first.isoformat())
    page.locator("#campo-progetto-ends_on").fill(last.isoformat())
    page.locator("#campo-progetto-monthly_allowance_cents").fill("6O0")  # a typo: a letter O
    page.get_by_role("button", name="Approva il progetto").click()
    expect(page.locator("#campo-progetto-monthly_allowance_cents-errore")).to_be_visible()
    accessible(page, "placements-15-tirocinio-errore")
    page.locator("#campo-progetto-monthly_allowance_cents").fill("600,00")
    page.get_by_role("button", name="Approva il progetto").click()
    flashed(page, "Progetto formativo approvato")
    expect(page.locator("#stato")).to_contain_text("in attesa di convalida")

    validate(system, placement_id)  # the employment centre (its pages are another branch's)
    page.reload()
    open_step(page, "comunicazione")
    page.locator("#campo-comunicazione-kind").select_option("start")
    page.locator("#campo-comunicazione-reference_number").fill("CO-TEST-1")
    page.get_by_role("button", name="Registra la comunicazione").click()
    flashed(page, "Comunicazione registrata")
    open_step(page, "avvio")
    page.locator("#campo-avvio-started_on").fill(first.isoformat())
    page.get_by_role("button", name="Avvia il tirocinio").click()
    flashed(page, "Tirocinio avviato")
    expect(page.locator("#stato-inserimento")).to_have_text("In corso")
    expect(page.locator("#documenti")).to_be_visible()
    accessible(page, "placements-16-tirocinio-in-corso")

    page.goto("/percorsi?fase=running")
    row = page.get_by_role("row").filter(has_text=placement_id[:8])
    expect(row).to_contain_text("Presenze mensili del tutor")
    expect(row).to_contain_text(last.strftime("%d/%m/%Y"))  # due on its planned last day
    expect(row).to_contain_text(OPERATOR)
    page.goto("/scadenze")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riepilogo del giorno")
    accessible(page, "placements-17-riepilogo")


@pytest.mark.timeout(300)
def test_a_host_tutor_fills_a_month_on_a_phone_and_the_ledger_exports_it(
    phone: Page, page: Page, system: System
) -> None:
    tutor_id = str(uuid.uuid4())
    register_host(system, DEMO_HOSTS[1], 2, tutor_id=tutor_id)
    person_id = refer(system, CAMOMILLA, keep_apart_from=ALOE.tax_code)
    placement_id = running_internship(system, person_id, DEMO_HOSTS[1], tutor_id, TODAY)
    _, first, _ = project_dates(TODAY)
    month = month_of(first)

    sign_in(phone, system, TUTOR_2)
    expect(phone.get_by_role("heading", level=1)).to_have_text("I tirocinanti dell'azienda")
    card = phone.locator("section").filter(has_text="Camomilla")
    expect(card).to_contain_text("20 ore settimanali")
    assert "Rosmarinelli" not in phone.content() and CAMOMILLA.tax_code not in phone.content()
    accessible(phone, "placements-20-tutor-telefono")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    card.get_by_label("Mese").select_option(month)
    card.get_by_label("Ore previste").fill("80")
    card.get_by_label("Ore svolte").fill("72,5")
    card.get_by_role("button", name="Chiudi il mese").click()
    flashed(phone, "Registro del mese chiuso")
    closed = phone.locator("section").filter(has_text="Camomilla").get_by_role("listitem")
    expect(closed.first).to_contain_text(f"{MONTHS_IT[first.month - 1]} {first.year}: 72,50 ore su 80,00")
    accessible(phone, "placements-21-tutor-mese-chiuso")
    phone.goto(f"/aziende/{DEMO_HOSTS[0]}/tirocinanti")  # another host's interns
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Accesso non consentito")

    with operator_api(system) as api:
        assert api.post(f"/placements/{placement_id}/allowances/{month}/calculate").is_success
    sign_in(page, system, OPERATOR)
    page.goto(f"/indennita?mese={month}")
    expect(page.get_by_role("table")).to_contain_text(placement_id[:8])
    accessible(page, "placements-22-indennita")
    exported = page.request.get(f"/indennita.csv?mese={month}")
    assert exported.ok and exported.headers["content-type"].startswith("text/csv")
    raw = exported.body()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    mine = next(r for r in rows if r[1] == placement_id)
    assert rows[0][6] == "Indennità (euro)" and mine[4:6] == ["80,00", "72,50"] and mine[6] == "600,00"
    book = load_workbook(io.BytesIO(page.request.get(f"/indennita.xlsx?mese={month}").body()))
    values = [[c.value for c in r] for r in book.active.iter_rows()]  # type: ignore[union-attr]
    assert any(r[1] == placement_id and float(r[6]) == 600.0 for r in values[1:])


DENIED = [
    (TUTOR_1, "/percorsi"),
    (TUTOR_1, "/candidati"),
    (TUTOR_1, "/indennita"),
    (TUTOR_1, "/aziende"),
    (OPERATOR, "/conflitti"),
]


@pytest.mark.parametrize(("user", "path"), DENIED)
def test_each_role_is_refused_the_pages_it_may_not_open(page: Page, system: System, user: str, path: str) -> None:
    sign_in(page, system, user)
    answer = page.goto(path)
    assert answer is not None and answer.status == 403
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accesso non consentito")


def test_the_employment_officer_is_refused_the_consortium_s_pages(page: Page, system: System) -> None:
    signed_in(page, system.placements.url, demo_user(BARI.partners.employment_centre.code, "eo"),
              organisation=BARI.partners.employment_centre.name)  # fmt: skip
    for path in ("/percorsi", "/candidati", "/aziende", "/indennita", "/scadenze"):
        answer = page.goto(path)
        assert answer is not None and answer.status == 403, path


def test_an_operator_may_not_suspend_a_host_and_the_coordinator_may(page: Page, system: System) -> None:
    host_id = str(uuid.uuid4())
    register_host(system, host_id, 3)
    sign_in(page, system, OPERATOR)
    page.goto("/aziende")
    expect(page.get_by_role("button", name="Sospendi")).to_have_count(0)
    token = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    refused = page.request.post(f"/aziende/{host_id}/sospensione", form={"reason": "under_review", "csrf_token": token})
    assert refused.status == 403
    page.context.clear_cookies()
    sign_in(page, system, COORDINATOR, "/aziende")
    row = page.locator(f"#azienda-{host_id}")
    row.get_by_label("Motivo della sospensione").select_option("under_review")
    row.get_by_role("button", name="Sospendi").click()
    flashed(page, "Azienda sospesa")
    expect(page.locator(f"#azienda-{host_id}")).to_contain_text("Sospesa")
    page.goto(f"/scadenze?operatore={OPERATOR}")
    expect(page.get_by_label("Operatore", exact=True)).to_have_value(OPERATOR)
    accessible(page, "placements-23-riepilogo-coordinatore")
    page.goto("/conflitti")
    accessible(page, "placements-24-conflitti")
