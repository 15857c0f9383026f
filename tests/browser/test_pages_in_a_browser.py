"""The municipality's pages in a real browser: a social worker's and a manager's journey, accessible and legible."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from cantiere_runtime.auth import Role
from playwright.sync_api import Browser, Page, expect

from tests.integration.referrals.invented import PEOPLE

from .conftest import screenshot
from .signin import signed_in

AXE = Axe()


def accessible(page: Page, name: str) -> None:
    """No serious or critical axe-core violation on the page; a screenshot either way."""
    screenshot(page, name)
    violations: list[dict[str, Any]] = AXE.run(page).response["violations"]
    grave = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    grave = [v for v in grave if v[1] in ("serious", "critical")]
    assert not grave, grave


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


def test_a_social_worker_registers_refers_and_reads_identity(page: Page) -> None:
    signed_in(page, Role.SOCIAL_WORKER)
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


def test_a_manager_checks_the_read_log_the_retention_preview_and_erases(page: Page) -> None:
    signed_in(page, Role.MUNICIPAL_MANAGER)
    person = register_person(page, "Ginestra", "Pervinchi", PEOPLE["Ginestra Pervinchi"], "1985-11-03")
    page.get_by_label("Motivo della lettura").select_option("data_subject_access")
    page.get_by_role("button", name="Mostra i dati personali").click()

    page.get_by_role("link", name="Registro delle letture").first.click()
    expect(page.get_by_role("table")).to_contain_text("municipal-manager-1")
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


def test_forms_work_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    signed_in(page, Role.SOCIAL_WORKER, user="sw-nojs")
    register_person(page, "Oleandro", "Zampognaro", PEOPLE["Oleandro Zampognaro"], "1979-02-28")
    expect(page.get_by_role("status").first).to_contain_text("Persona registrata")
    context.close()
