"""The placements service on a real NATS with a fake municipality, and helpers to talk to it and the bus."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest_asyncio
from cantiere_events import Producer, encode
from cantiere_events.codec import decode
from cantiere_events.codes import ConsentScope, LegalBasis
from cantiere_events.contract import PUBLIC
from cantiere_events.referrals import ConsentRecorded
from cantiere_placements.bootstrap import load_settings
from cantiere_placements.entrypoints.api import create_app
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.db import create_engine
from cantiere_runtime.store import CommandContext, envelope_for
from fastapi import FastAPI
from sqlalchemy import text

from tests.support.identity import PLACEMENTS, TEST_ISSUERS

from .fakes import referral, uid
from .responder import FakeMunicipality

MOLA = "mola-di-bari"


@dataclass
class Clock:
    """A clock the test moves forward."""

    now: datetime = datetime(2008, 3, 3, 10, tzinfo=UTC)

    def on(self, day: date) -> None:
        self.now = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def bearer(role: Role, partner: str = "ati-cantiere", host_id: str | None = None) -> dict[str, str]:
    principal = Principal(user_id=f"u-{role.value}", role=role, partner=partner, host_id=host_id)
    return TEST_ISSUERS.bearer(principal, PLACEMENTS)


def trusted_issuers() -> list[dict[str, Any]]:
    """The consortium's issuer (staff, host tutors) and the employment centre's (officers)."""
    return [TEST_ISSUERS.issuer("ati-cantiere", PLACEMENTS), TEST_ISSUERS.issuer("cpi-bari", PLACEMENTS)]


@dataclass
class Running:
    app: FastAPI
    http: httpx.AsyncClient
    clock: Clock
    municipality: FakeMunicipality
    nats_url: str = ""


@pytest_asyncio.fixture
async def service(nats_url: str, tmp_path: Path) -> AsyncIterator[Running]:
    async with running(nats_url, f"sqlite:///{tmp_path / 'placements.db'}") as started:
        yield started


@pytest_asyncio.fixture
async def service_on_each_database(nats_url: str, db_url: tuple[str, str | None]) -> AsyncIterator[Running]:
    """The service on SQLite, and on a PostgreSQL schema of this test when CANTIERE_TEST_POSTGRES_URL is set."""
    url, schema = db_url
    if schema is None:
        async with running(nats_url, url) as started:
            yield started
        return
    await _admin(url, f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    try:
        async with running(nats_url, f"{url}{separator}options=-csearch_path%3D{schema}") as started:
            yield started
    finally:
        await _admin(url, f"DROP SCHEMA {schema} CASCADE")


async def _admin(url: str, statement: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(statement))
    await engine.dispose()


@asynccontextmanager
async def running(nats_url: str, database_url: str) -> AsyncIterator[Running]:
    """The service on this database, with the fake municipality answering on the bus."""
    settings = load_settings(
        database_url=database_url,
        nats={"url": nats_url},
        clearance_timeout_seconds=0.5,
        environment="test",
        oidc_issuers=trusted_issuers(),
        log_format="console",
        log_level="WARNING",
    )
    clock = Clock()
    app = create_app(settings, clock=lambda: clock.now)
    nc = await nats.connect(nats_url)
    municipality = FakeMunicipality(MOLA)
    await municipality.start(nc)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://p") as http:
        yield Running(app, http, clock, municipality, nats_url)
    await municipality.stop()
    await nc.close()


async def publish_referral(nats_url: str, person: int, scopes: Sequence[ConsentScope] = tuple(ConsentScope)) -> None:
    """A municipality's referrals service publishes a referral, with the consents in force (all, unless told)."""
    ctx = CommandContext(partner=MOLA, producer=Producer.REFERRALS, now=datetime(2008, 3, 1, tzinfo=UTC))
    submitted = referral(person)
    ids = {"person_id": submitted.person_id, "referral_id": submitted.referral_id}
    consents = [
        ConsentRecorded(
            **ids, scope=s, legal_basis=LegalBasis.CONSENT, form_version="2008-1", given_on=date(2008, 3, 1)
        )
        for s in scopes
    ]
    nc = await nats.connect(nats_url)
    for event in (submitted, *consents):
        message = encode(envelope_for(event, uid(person), 1, ctx))
        await nc.jetstream().publish(message.subject, message.data, headers=message.headers)
    await nc.close()


async def until(condition: Any, timeout: float = 10.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if result := await condition():
            return result
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


async def bus_events(nats_url: str, subject: str) -> list[tuple[str, str]]:
    """(partner, type) of every event on a subject filter of the public stream."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    sub = await js.pull_subscribe(subject, durable=None, stream="CANTIERE_PUBLIC")
    found: list[tuple[str, str]] = []
    try:
        while True:
            msgs = await sub.fetch(200, timeout=0.5)
            for msg in msgs:
                envelope = decode(msg.data, msg.headers, PUBLIC)
                found.append((envelope.metadata.partner, envelope.metadata.event_type))
                await msg.ack()
    except TimeoutError:
        pass
    await nc.close()
    return found
