"""The employment centre and the documents in a real browser: the officer returns a training project with a
reason, the consortium corrects it, the officer validates it; each of the four documents downloads from the
placement's documents page and opens as a PDF/A with the right facts and no tax code; roles are refused where
they must be. Accessible on every page.

The steps the consortium's pages do not cover here (referral, host, proposal, agreement, project, start,
attendance, completion) go through the services' JSON APIs with the development provider's tokens."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cantiere_runtime.auth import Principal, Role
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.integration.placements.fakes import vat
from tests.integration.referrals.support import personal_data
from tests.support.identity import PLACEMENTS, REFERRALS

from .signin import accessible, demo_user, signed_in
from .system import BARI, CENTRE, CONSORTIUM, System

OFFICER = demo_user(CENTRE, "eo")
OPERATOR = demo_user(CONSORTIUM, "po")
TUTOR_ELSEWHERE = demo_user(CONSORTIUM, "ct")  # the demo tutor's host is not the intern's
TODAY = date.today()
STARTS = (TODAY.replace(day=1) - timedelta(days=80)).replace(day=1)
ENDS = STARTS + timedelta(days=75)
SIGNED = STARTS - timedelta(days=10)


class Api:
    """One role's JSON calls to a service, with a token of the development provider."""

    def __init__(self, system: System, base: str, principal: Principal, audience: str) -> None:
        self.http = httpx.Client(base_url=base, headers=system.provider.bearer(principal, audience), timeout=30)

    def __call__(
        self, method: str, path: str, body: Any = None, expect: int | tuple[int, ...] = (200, 201, 204)
    ) -> Any:
        answer = self.http.request(method, path, json=body)
        assert answer.status_code in ((expect,) if isinstance(expect, int) else expect), (path, answer.text)
        return answer.json() if answer.content else None


def _until(check: Callable[[], Any], timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.3)
    raise AssertionError("timed out")


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.xmp_metadata is not None and reader.xmp_metadata.pdfaid_part == "2"
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture(scope="module")
def journey(system: System) -> dict[str, str]:
    """A person referred by Bari with every consent, placed at a host, the training project approved (25 hours:
    the employment centre will want 20)."""
    worker = Api(system, system.referrals.url, Principal(user_id="sw-b", role=Role.SOCIAL_WORKER, partner="bari"),
                 REFERRALS)  # fmt: skip
    identity = personal_data(first_name="Mirtilla", surname="Zafferanetti")
    person = worker("POST", "/people", {"personal_data": identity})["id"]
    for scope in ("share_with_consortium", "share_with_employment_centre", "minimal_data_to_host"):
        worker("POST", f"/people/{person}/consents", {"scope": scope, "form_version": "2026.1"})
    eligibility = {"taken_into_care_on": "2026-01-05", "category": "domestic_violence",
                   "referring_service": "anti_violence_centre"}  # fmt: skip
    worker("POST", f"/people/{person}/eligibility", eligibility)
    worker("POST", f"/people/{person}/referrals")

    staff = Api(system, system.placements.url, Principal(user_id=OPERATOR, role=Role.PLACEMENT_OPERATOR,
                                                         partner=CONSORTIUM), PLACEMENTS)  # fmt: skip
    _until(lambda: staff.http.get(f"/candidates/{person}").status_code == 200)
    staff("POST", f"/candidates/{person}/accept")
    declarations = {"no_layoffs_last_12_months": True, "safety_law_compliant": True,
                    "disability_quota_compliant": True, "collective_agreement_applied": True}  # fmt: skip
    host = staff("POST", "/hosts", {"vat_number": vat(7), "site_municipality": "bari", "sector_code": "56.10",
                                    "permanent_headcount": 12, "declarations": declarations})["host_id"]  # fmt: skip
    tutor = "0190d1a0-0000-7000-8000-000000000021"
    staff("POST", f"/hosts/{host}/tutors", {"tutor_id": tutor})
    placement = staff("POST", "/placements", {"person_id": person, "host_id": host, "hours_per_week": 20})
    p = f"/placements/{placement['placement_id']}"
    staff("POST", f"{p}/accept", {"party": "person"})
    staff("POST", f"{p}/accept", {"party": "host"})
    staff("POST", f"{p}/agreement", {"agreement_id": "0190d1a0-0000-7000-8000-000000000080",
                                     "signed_on": SIGNED.isoformat()})  # fmt: skip
    staff("PUT", f"/candidates/{person}/first-name", {"first_name": "Mirtilla"})
    project = {"objectives": ["kitchen.basic"], "promoter_tutor_id": "0190d1a0-0000-7000-8000-000000000020",
               "host_tutor_id": tutor, "hours_per_week": 25, "starts_on": STARTS.isoformat(),
               "ends_on": ENDS.isoformat(), "monthly_allowance_cents": 60_000}  # fmt: skip
    staff("POST", f"{p}/training-project", project)
    return {"person": person, "placement": placement["placement_id"], "host": host, "tax_code": identity["tax_code"],
            "project": project}  # fmt: skip


@pytest.fixture
def officer(browser: Browser, system: System) -> Iterator[Page]:
    context = browser.new_context(base_url=system.placements.url, viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)  # fmt: skip
    context.set_default_timeout(15000)
    page = context.new_page()
    signed_in(page, system.placements.url, OFFICER, organisation=BARI.partners.employment_centre.name)
    yield page
    context.close()


def _staff(system: System) -> Api:
    principal = Principal(user_id=OPERATOR, role=Role.PLACEMENT_OPERATOR, partner=CONSORTIUM)
    return Api(system, system.placements.url, principal, PLACEMENTS)


def test_the_employment_centre_returns_a_project_and_validates_the_corrected_one(
    officer: Page, system: System, journey: dict[str, str]
) -> None:
    placement = journey["placement"]
    page = officer
    expect(page.get_by_role("heading", level=1)).to_have_text("Progetti da convalidare")
    page.get_by_role("link", name=f"Leggi il progetto {placement[:8]}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progetto formativo individuale")
    expect(page.locator("main")).to_contain_text("Mirtilla")
    assert "Zafferanetti" not in page.content() and journey["tax_code"] not in page.content()
    accessible(page, "placements-officer-01-progetto")

    with page.expect_download(timeout=60_000) as downloaded:  # the first rendering prepares the fonts
        page.get_by_role("link", name="Scarica il progetto in PDF").click()
    text = _pdf_text(Path(downloaded.value.path()).read_bytes())
    assert "Mirtilla" in text and "In attesa di convalida" in text and journey["tax_code"] not in text.replace(" ", "")

    page.get_by_role("button", name="Restituisci il progetto").click()
    expect(page.locator("#campo-reason-errore")).to_be_visible()
    accessible(page, "placements-officer-02-restituzione-errori")
    page.get_by_label("Motivo della restituzione").select_option("hours_or_schedule")
    page.get_by_label("Che cosa correggere").fill("Portare l'orario a 20 ore settimanali.")
    page.get_by_role("button", name="Restituisci il progetto").click()
    expect(page.get_by_role("status").first).to_contain_text("restituito al consorzio")
    expect(page.locator("main")).not_to_contain_text(placement[:8])  # no longer waiting for the centre
    accessible(page, "placements-officer-03-coda-vuota")

    page.goto(f"/progetti/{placement}")
    expect(page.locator("main")).to_contain_text("Restituito al consorzio")
    expect(page.get_by_role("button", name="Convalida il progetto")).to_have_count(0)

    staff = _staff(system)
    staff("POST", f"/placements/{placement}/training-project", {**journey["project"], "hours_per_week": 20})
    page.goto("/")
    page.get_by_role("link", name=f"Leggi il progetto {placement[:8]}").click()
    expect(page.locator("main")).to_contain_text("Portare l'orario a 20 ore settimanali.")  # the earlier return
    page.get_by_role("button", name="Convalida il progetto").click()
    expect(page.get_by_role("status").first).to_contain_text("Progetto formativo convalidato")
    page.goto(f"/progetti/{placement}")
    expect(page.locator("main")).to_contain_text("Convalidato il")
    accessible(page, "placements-officer-04-convalidato")

    # The centre reads the training project only: not the agreement, not the other documents, not the files.
    page.goto(f"/tirocini/{placement}/documenti")
    expect(page.get_by_role("link", name="Progetto formativo individuale")).to_be_visible()
    expect(page.get_by_role("link", name="Convenzione di tirocinio")).to_have_count(0)
    answer = page.request.get(f"/tirocini/{placement}/documenti/convenzione-{placement[:8]}.pdf")
    assert answer.status == 403
    centre = Principal(user_id=OFFICER, role=Role.EMPLOYMENT_OFFICER, partner=CENTRE)
    assert (
        Api(system, system.placements.url, centre, PLACEMENTS).http.get(f"/candidates/{journey['person']}").status_code
        == 403
    )


def test_each_document_downloads_from_the_placements_documents_page_and_opens(
    browser: Browser, system: System, journey: dict[str, str]
) -> None:
    placement, staff = journey["placement"], _staff(system)
    p = f"/placements/{placement}"
    row = next(r for r in staff("GET", "/pipeline") if r.get("placement_id") == placement)
    if row["waiting_for"] == "employment_centre":  # run alone: the centre validates, as the test above does
        centre = Principal(user_id=OFFICER, role=Role.EMPLOYMENT_OFFICER, partner=CENTRE)
        Api(system, system.placements.url, centre, PLACEMENTS)("POST", f"{p}/validate")
    staff("POST", f"{p}/notices", {"kind": "start", "reference_number": "CO-2026-0042"})
    staff("POST", f"{p}/start", {"started_on": STARTS.isoformat()})
    month = STARTS.strftime("%Y-%m")
    staff("POST", f"{p}/attendance", {"month": month, "planned_hours": "80", "attended_hours": "72"})
    staff("POST", f"{p}/complete", {"outcome": "not_hired", "completed_on": ENDS.isoformat()})
    staff("POST", f"{p}/attestation", {"competences": ["kitchen.basic"]})

    context = browser.new_context(base_url=system.placements.url, viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)  # fmt: skip
    context.set_default_timeout(15000)
    page = context.new_page()
    signed_in(page, system.placements.url, OPERATOR, organisation=BARI.partners.consortium.name)
    page.goto(f"/tirocini/{placement}/documenti")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Documenti del tirocinio")
    accessible(page, "placements-documents-01-elenco")
    expected = {
        "Convenzione di tirocinio": ["Soggetto ospitante", vat(7), SIGNED.strftime("%d/%m/%Y")],
        "Progetto formativo individuale": ["Mirtilla", STARTS.strftime("%d/%m/%Y"), "Convalidato", "CO-2026-0042"],
        "Registro mensile delle presenze": ["Mirtilla", month, "72,00"],
        "Attestazione delle competenze": ["Mirtilla", "kitchen.basic", ENDS.strftime("%d/%m/%Y")],
    }
    for name, facts in expected.items():
        with page.expect_download(timeout=60_000) as downloaded:  # the first rendering prepares the fonts
            page.get_by_role("link", name=name).click()
        text = _pdf_text(Path(downloaded.value.path()).read_bytes())
        for fact in (*facts, "Soggetto promotore", BARI.partners.consortium.name, "Comune di Bari"):
            assert fact in text, (name, fact)
        assert journey["tax_code"] not in text.replace(" ", "") and "Zafferanetti" not in text
    context.close()

    elsewhere = browser.new_context(base_url=system.placements.url)
    tutor = elsewhere.new_page()
    signed_in(tutor, system.placements.url, TUTOR_ELSEWHERE, organisation=BARI.partners.consortium.name)
    answer = tutor.goto(f"/tirocini/{placement}/documenti")
    assert answer is not None and answer.status == 403
    expect(tutor.get_by_role("heading", level=1)).to_have_text("Accesso non consentito")
    accessible(tutor, "placements-documents-02-tutor-di-altra-azienda")
    assert tutor.request.get(f"/tirocini/{placement}/documenti/convenzione-{placement[:8]}.pdf").status == 403
    elsewhere.close()
