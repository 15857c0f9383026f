"""How a browser test signs in and out: for real, through the service's /accedi, the development provider's
sign-in page (a demo user's button) and back; and the accessibility check every page gets."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import screenshot

AXE = Axe()


def accessible(page: Page, name: str) -> None:
    """No serious or critical axe-core violation on the page; a screenshot either way."""
    screenshot(page, name)
    violations: list[dict[str, Any]] = AXE.run(page).response["violations"]
    grave = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    grave = [v for v in grave if v[1] in ("serious", "critical")]
    assert not grave, (name, grave)


def demo_user(partner: str, short: str, n: int = 1) -> str:
    """The id of a development provider's demo user (``dev_users``): partner, role initials, number."""
    return f"{demo_prefix(partner)}-{short}-{n}"


def demo_prefix(partner: str) -> str:
    return f"demo-{partner}"


def choose_user(page: Page, user: str, check: str | None = None) -> None:
    """On the provider's sign-in page: pick the demo user (checking the page's accessibility first if named)."""
    expect(page.get_by_text("Fornitore di identità di sviluppo").first).to_be_visible()
    if check:
        accessible(page, check)
    page.locator(f'button[name="user"][value="{user}"]').click()


def signed_in(page: Page, base_url: str, user: str, *, next_path: str = "/", organisation: str | None = None) -> None:
    """Sign in at a service as a demo user and land on ``next_path`` (``organisation``: the chooser's link)."""
    page.goto(f"{base_url}/accedi?next={next_path}")
    if organisation:
        page.get_by_role("link", name=organisation, exact=True).click()
    choose_user(page, user)
    page.wait_for_url(f"{base_url}{next_path}")


def signed_out(page: Page) -> None:
    """Press the header's sign-out button and land on the signed-out page."""
    page.get_by_role("button", name="Esci").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sei uscito")
