"""Browser tests: the system as `cantiere up` runs it (development identity provider, referrals, placements and
monitoring on a real NATS), driven by Debian's chromium through Playwright; everyone signs in for real.

Chromium comes from the system (``/usr/bin/chromium``, or CHROMIUM); without it the tests are
skipped on a developer's machine and fail in CI (CI=true), where .ci/run installs it. One system and one
browser serve each module; each test opens its own browser context (its own cookies).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import NatsUnderTest

from .system import System, running_system

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=it-IT",
]


def chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install -y chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def system(browser: Browser, nats_server: NatsUnderTest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """Started once per module (after the browser: no chromium, no system). Module scope, not session: Playwright's
    sync API runs an event loop in this thread, which must be gone before the asyncio tests that follow."""
    with running_system(nats_server.url, tmp_path_factory.mktemp("browser-system")) as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) and its tab."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="it-IT")
    context.set_default_timeout(10000)
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(page: Page, name: str) -> None:
    """Keep a picture of the page as a test artefact (var/screenshots, not versioned)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
