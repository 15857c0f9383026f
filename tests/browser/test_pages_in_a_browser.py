"""The municipality's pages in a real browser: a social worker's journey from registration to referral, seen
afterwards among the consortium's candidates; a manager's; forms without JavaScript. Accessible and legible."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.integration.referrals.invented import PEOPLE

from .signin import accessible, demo_user, signed_in
from .system import BARI, CONSORTIUM, System

WORKER = demo_user("bari", "sw")
MANAGER = demo_user("bari", "mm")


@pytest.fixture
def page(browser: Browser, system: System) -> Iterator[Page]:
    """A fresh browser context whose relative addresses are Bari's referrals service."""
    context = browser.new_context(base_url=system.referrals.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10000)
    tab = context.new_page()
    yield tab
    context.close()


def register_person(page: Page, first_name: str, surname: str, tax_code: str, birth_date: str) -> str:
    page.goto("/persone/nuova")
    page.locator("#campo-first_name").fill(first_name)
    page.locator("#campo-surname").fill(surname)
    page.locator("#campo-tax_code").fill(tax_code)
    page.locator("#campo-birth_date").fill(birth_date)
    page.locator("#campo-gender").select_option("female")
    page.get_by_role("button", name="Registra").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scheda della persona")
    return page.url


def test_a_social_worker_registers_refers_and_reads_identity_and_the_consortium_sees_the_candidate(
    page: Page, system: System
) -> None:
    signed_in(page, system.referrals.url, WORKER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Persone seguite")
    accessible(page, "01-elenco-vuoto")

    page.goto("/persone/nuova")
    page.locator("#campo-tax_code").fill("QRTFDL90D57A662X")
    page.get_by_role("button", name="Registra").click()
    expect(page.locator("#campo-tax_code-errore")).to_have_text("Codice fiscale non valido.")
    expect(page.locator("#campo-tax_code")).to_have_value("QRTFDL90D57A662X")
    accessible(page, "02-registrazione-errori")

    person = register_person(page, "Fiordaliso", "Quartarella", PEOPLE["Fiordaliso Quartarella"], "1990-04-17")
    assert "Quartarella" not in person and "Quartarella" not in page.title()
    page.get_by_label("Finalità").select_option("share_with_consortium")
    page.get_by_label("Versione del modulo firmato").fill("2026.1")
    page.get_by_role("button", name="Registra il consenso").click()
    page.get_by_label("Presa in carico il").fill("2026-01-05")
    page.get_by_label("Categoria").select_option("domestic_violence")
    page.get_by_label("Servizio inviante").select_option("anti_violence_centre")
    page.get_by_role("button", name="Conferma l'idoneità").click()
    page.get_by_label("Altre persone da tenere separate").fill(PEOPLE["Oleandro Zampognaro"])
    page.get_by_role("button", name="Registra i vincoli").click()
    page.get_by_role("button", name="Invia la segnalazione al consorzio").click()
    expect(page.get_by_role("status").first).to_contain_text("Segnalazione inviata")
    accessible(page, "03-scheda")
    short_id = person.rstrip("/").rsplit("/", 1)[-1][:8]

    page.get_by_label("Motivo della lettura").select_option("case_management")
    page.get_by_role("button", name="Mostra i dati personali").click()
    expect(page.locator("#identity")).to_contain_text("Quartarella Fiordaliso")
    accessible(page, "04-scheda-dati-personali")

    page.goto("/")
    page.locator("#campo-cerca").fill("Quartarella")
    page.get_by_label("Motivo della ricerca").select_option("contact_person")
    page.get_by_role("button", name="Cerca").click()
    expect(page.get_by_role("table").first).to_contain_text("Quartarella")
    accessible(page, "05-ricerca")

    page.get_by_role("link", name="EN (English)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People followed")
    accessible(page, "06-elenco-inglese")
    page.get_by_role("link", name="IT (Italiano)").click()

    operator = page.context.browser.new_context(viewport={"width": 1280, "height": 900})  # another person
    consortium = operator.new_page()
    operator_id = demo_user(CONSORTIUM, "po")
    signed_in(consortium, system.placements.url, operator_id, organisation=BARI.partners.consortium.name)
    row = consortium.get_by_role("row").filter(has_text=short_id)
    deadline = time.monotonic() + 20
    while row.count() == 0 and time.monotonic() < deadline:  # the referral crosses the bus to the consortium
        time.sleep(0.3)
        consortium.reload()
    expect(row).to_contain_text("Bari")
    expect(row).to_contain_text("anni")  # the age band, never a birth date
    content = consortium.content()
    assert not any(v in content for v in ("Quartarella", "Fiordaliso", PEOPLE["Fiordaliso Quartarella"]))
    accessible(consortium, "11-consorzio-candidato-in-attesa")
    operator.close()


def test_a_manager_checks_the_read_log_the_retention_preview_and_erases(page: Page, system: System) -> None:
    signed_in(page, system.referrals.url, MANAGER)
    person = register_person(page, "Ginestra", "Pervinchi", PEOPLE["Ginestra Pervinchi"], "1985-11-03")
    page.get_by_label("Motivo della lettura").select_option("data_subject_access")
    page.get_by_role("button", name="Mostra i dati personali").click()

    page.get_by_role("link", name="Registro delle letture").first.click()
    expect(page.get_by_role("table")).to_contain_text(MANAGER)
    accessible(page, "07-registro-letture")

    page.goto("/conservazione?al=2099-01-01")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Conservazione")
    accessible(page, "08-conservazione")

    page.goto(person + "/cancellazione")
    page.get_by_role("button", name="Cancella i dati personali").click()
    expect(page.locator("#campo-confirm-errore")).to_be_visible()
    accessible(page, "09-cancellazione-conferma")
    page.get_by_label("Motivo della cancellazione").select_option("data_subject_request")
    page.locator("label[for=campo-confirm]").click()  # Bootstrap Italia draws the box on the label
    page.get_by_role("button", name="Cancella i dati personali").click()
    expect(page.locator("#identity")).to_contain_text("cancellati")

    page.goto("/persone/00000000-0000-4000-8000-000000000000")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina non trovata")
    accessible(page, "10-non-trovata")


def test_forms_work_without_javascript(browser: Browser, system: System) -> None:
    context = browser.new_context(base_url=system.referrals.url, java_script_enabled=False)
    page = context.new_page()
    signed_in(page, system.referrals.url, demo_user("bari", "sw", 2))  # Municipio I's social worker
    register_person(page, "Oleandro", "Zampognaro", PEOPLE["Oleandro Zampognaro"], "1979-02-28")
    expect(page.get_by_role("status").first).to_contain_text("Persona registrata")
    context.close()
