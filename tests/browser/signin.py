"""How a browser test signs in: the one place to change when the real sign-in (OpenID Connect) replaces the fixture."""

from __future__ import annotations

from cantiere_runtime.auth import Role
from playwright.sync_api import Page

from tests.integration.referrals.pages import sign_in_url


def signed_in(page: Page, role: Role, partner: str = "bari", user: str | None = None) -> None:
    """Open a session as someone of a partner with a role, then land on the home page."""
    page.goto(sign_in_url(role, partner, user=user or f"{role.value.replace('_', '-')}-1"))
