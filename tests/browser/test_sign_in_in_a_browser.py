"""Everyone signs in for real in a browser: each role at its partner's service through the development provider,
lands on its home page, is refused what its role may not see, signs out; idle sessions end; forged forms fail."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from .signin import accessible, choose_user, demo_user, signed_in, signed_out
from .system import BARI, CENTRE, CONSORTIUM, PLANNERS, REGION, System

NOBODY = "00000000-0000-4000-8000-000000000000"
HOST_2 = "0190d1a0-0000-7000-8000-000000000002"  # a host that is not the demo tutor's


@dataclass(frozen=True)
class Door:
    """A role at its service: who signs in, where it lands, what it sees there, what it is refused."""

    service: str
    partner: str
    user: str
    home: str
    heading: str
    refused: str
    status: int
    organisation: str | None = None  # the chooser's link, where a service signs in several partners


CONSORTIUM_NAME = BARI.partners.consortium.name
CENTRE_NAME = BARI.partners.employment_centre.name
REGION_NAME = BARI.partners.monitoring.name
DOORS = {
    "social_worker": Door(
        "referrals", "bari", demo_user("bari", "sw"), "/", "Persone seguite", "/registro-letture", 403
    ),
    "municipal_manager": Door(
        "referrals", "bari", demo_user("bari", "mm"), "/", "Persone seguite", f"/persone/{NOBODY}", 404
    ),
    "municipal_auditor": Door(
        "referrals", "bari", demo_user("bari", "au"), "/registro-letture", "Registro delle letture",
        "/persone/nuova", 403,
    ),
    "placement_operator": Door(
        "placements", CONSORTIUM, demo_user(CONSORTIUM, "po"), "/", "Candidati e percorsi", "/conflitti", 403,
        CONSORTIUM_NAME,
    ),
    "placement_coordinator": Door(
        "placements", CONSORTIUM, demo_user(CONSORTIUM, "pc"), "/", "Candidati e percorsi", f"/candidati/{NOBODY}",
        404, CONSORTIUM_NAME,
    ),
    "company_tutor": Door(
        "placements", CONSORTIUM, demo_user(CONSORTIUM, "ct"), "/", "I tirocinanti dell'azienda",
        f"/aziende/{HOST_2}/tirocinanti", 403, CONSORTIUM_NAME,
    ),
    "employment_officer": Door(
        "placements", CENTRE, demo_user(CENTRE, "eo"), "/", "Progetti da convalidare",
        f"/aziende/{HOST_2}/tirocinanti", 403, CENTRE_NAME,
    ),
    "analyst": Door(
        "monitoring", REGION, demo_user(REGION, "an"), "/", "Il programma in cifre", "/persone", 404, REGION_NAME
    ),
    "region_auditor": Door(
        "monitoring", REGION, demo_user(REGION, "au"), "/", "Il programma in cifre", "/persone", 404, REGION_NAME
    ),
    "district_planner": Door(
        "monitoring", "triggiano", demo_user("triggiano", "dp"), "/", "L'ambito in cifre", "/persone", 404, PLANNERS
    ),
}  # fmt: skip
TITLES = {403: "Accesso non consentito", 404: "Pagina non trovata"}


@pytest.mark.parametrize("who", list(DOORS))
def test_each_role_signs_in_lands_home_is_refused_what_it_may_not_see_and_signs_out(
    page: Page, system: System, who: str
) -> None:
    door = DOORS[who]
    base = system.service(door.service).url
    page.goto(f"{base}{door.home}")  # no session: to /accedi, then the chooser or the provider
    if door.organisation:
        expect(page.get_by_role("heading", level=1)).to_have_text("Accedi")
        accessible(page, f"{door.service}-00-scelta-ente")
        page.get_by_role("link", name=door.organisation, exact=True).click()
    choose_user(page, door.user, check=f"{door.service}-{who}-01-fornitore")
    page.wait_for_url(f"{base}{door.home}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(door.heading)
    expect(page.locator(".cantiere-user")).to_contain_text(door.user)
    assert door.user not in page.url
    accessible(page, f"{door.service}-{who}-02-pagina-iniziale")

    answer = page.goto(f"{base}{door.refused}")
    assert answer is not None and answer.status == door.status
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLES[door.status])
    accessible(page, f"{door.service}-{who}-03-rifiutata-{door.status}")

    signed_out(page)
    accessible(page, f"{door.service}-{who}-04-uscito")
    page.goto(f"{base}{door.home}")  # the provider's session ended too: it asks again
    if door.organisation:
        page.get_by_role("link", name=door.organisation, exact=True).click()
    expect(page.locator(f'button[value="{door.user}"]')).to_be_visible()


def test_an_idle_session_ends_and_the_provider_asks_again(page: Page, system: System) -> None:
    referrals = system.referrals
    user = demo_user("bari", "sw")
    signed_in(page, referrals.url, user, next_path="/persone/nuova")
    sessions = referrals.app.state.sessions
    try:
        sessions.clock = lambda: time.monotonic() + 31 * 60  # half an hour and a minute later
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sessione scaduta")
        accessible(page, "referrals-05-sessione-scaduta")
        page.get_by_role("link", name="Accedi di nuovo").click()
        choose_user(page, user)  # the provider asks who is there, despite its own session
        page.wait_for_url(f"{referrals.url}/persone/nuova")
        expect(page.get_by_role("heading", level=1)).to_have_text("Registra una persona")
    finally:
        sessions.clock = time.monotonic


def test_a_form_with_a_forged_token_is_refused_in_plain_italian(page: Page, system: System) -> None:
    signed_in(page, system.referrals.url, demo_user("bari", "sw"), next_path="/persone/nuova")
    page.locator('main form input[name="csrf_token"]').first.evaluate("field => field.value = 'contraffatto'")
    page.locator("#campo-first_name").fill("Ortensia")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Registra").click()
    assert posted.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Richiesta rifiutata")
    expect(page.get_by_role("alert")).to_contain_text("Il modulo è scaduto o non proviene da questo sito")
    assert "Ortensia" not in page.content()
    accessible(page, "referrals-06-modulo-rifiutato")


def test_a_sign_in_that_cannot_complete_says_so(page: Page, system: System) -> None:
    answer = page.goto(f"{system.placements.url}/auth/callback?code=inventato&state=inventato")
    assert answer is not None and answer.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Accesso non riuscito")
    accessible(page, "placements-07-accesso-non-riuscito")
    page.get_by_role("link", name="EN (English)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    accessible(page, "placements-08-scelta-ente-inglese")
