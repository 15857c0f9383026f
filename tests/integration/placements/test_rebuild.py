"""Read models rebuilt through the runtime (``python -m cantiere_placements rebuild``) equal the live ones."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import nats
from cantiere_placements.adapters.tables import VIEW_TABLES
from cantiere_placements.bootstrap import build_runtime, load_settings
from cantiere_placements.entrypoints.api import create_app
from cantiere_placements.entrypoints.cli import app as cli
from cantiere_runtime.auth import Role
from cantiere_runtime.db import create_engine
from cantiere_runtime.projector import Checkpoints
from cantiere_runtime.schema import events
from sqlalchemy import select
from typer.testing import CliRunner

from .fakes import COMPLIANT, uid, vat
from .harness import MOLA, Clock, bearer, publish_referral, trusted_issuers, until
from .responder import FakeMunicipality

STAFF = bearer(Role.PLACEMENT_OPERATOR)


async def snapshot(url: str) -> dict[str, list[Any]]:
    """Every view row, and the candidate events in the store."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            found = {t.name: sorted(map(tuple, (await conn.execute(select(t))).all()), key=str) for t in VIEW_TABLES}
            query = select(events.c.aggregate_id, events.c.event_type).where(events.c.aggregate_id.like("candidate-%"))
            found["candidate_events"] = sorted(map(tuple, (await conn.execute(query)).all()))
            return found
    finally:
        await engine.dispose()


async def a_programme(http: httpx.AsyncClient, nats_url: str) -> None:
    """Two referrals, one declined, one placed and turned down, another proposal: every view has rows."""
    for person in (1, 2):
        await publish_referral(nats_url, person)

    async def arrived() -> bool:
        answers = [await http.get(f"/candidates/{uid(p)}", headers=STAFF) for p in (1, 2)]
        return all(a.status_code == 200 and a.json()["consents"] for a in answers)

    await until(arrived)
    assert (await http.post(f"/candidates/{uid(2)}/decline", json={"reason": "other"}, headers=STAFF)).is_success
    assert (await http.post(f"/candidates/{uid(1)}/accept", headers=STAFF)).is_success
    body = {"vat_number": vat(9), "site_municipality": "bari", "sector_code": "56.10.11", "permanent_headcount": 12,
            "declarations": COMPLIANT.model_dump()}  # fmt: skip
    host = (await http.post("/hosts", json=body, headers=STAFF)).json()["host_id"]
    proposal = {"person_id": uid(1), "host_id": host, "hours_per_week": 20}
    first = (await http.post("/placements", json=proposal, headers=STAFF)).json()["placement_id"]
    reject = {"party": "host", "reason": "role_not_suitable"}
    assert (await http.post(f"/placements/{first}/reject", json=reject, headers=STAFF)).is_success
    assert (await http.post("/placements", json=proposal, headers=STAFF)).status_code == 201
    assert (await http.get("/pipeline", headers=STAFF)).is_success  # the views caught up before this read


async def test_the_rebuild_command_replays_the_views_equal_to_the_live_ones(nats_url: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'placements.db'}"
    settings = load_settings(
        database_url=url,
        nats={"url": nats_url},
        environment="test",
        log_level="WARNING",
        oidc_issuers=trusted_issuers(),
    )
    clock = Clock()
    app = create_app(settings, clock=lambda: clock.now)
    nc = await nats.connect(nats_url)
    municipality = FakeMunicipality(MOLA)
    await municipality.start(nc)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://p") as http:
        assert [p.name for p in app.state.runtime.local_projections] == ["placements_views"]
        await a_programme(http, nats_url)
    await municipality.stop()
    await nc.close()
    live = await snapshot(url)
    assert all(live[t.name] for t in VIEW_TABLES if t.name != "placements_months"), live

    env = {"CANTIERE_DATABASE_URL": url, "CANTIERE_NATS__URL": nats_url, "CANTIERE_ENVIRONMENT": "test"}
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["rebuild"], env=env)
    assert result.exit_code == 0, result.output
    assert "placements_views" in result.output and "referral_intake" not in result.output  # views only
    assert await snapshot(url) == live

    engine = create_engine(url)
    try:  # the intake was left alone: its checkpoint still stands
        assert await Checkpoints(engine).get("referral_intake_public") > 0
    finally:
        await engine.dispose()


async def test_a_rebuild_through_the_runtime_after_the_intake_replays_appends_nothing_twice(
    nats_url: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'placements.db'}"
    settings = load_settings(
        database_url=url,
        nats={"url": nats_url},
        environment="test",
        log_level="WARNING",
        oidc_issuers=trusted_issuers(),
    )
    app = create_app(settings)
    nc = await nats.connect(nats_url)
    municipality = FakeMunicipality(MOLA)
    await municipality.start(nc)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://p") as http:
        await a_programme(http, nats_url)
    await municipality.stop()
    await nc.close()
    live = await snapshot(url)

    done = await build_runtime(settings).rebuild(["referral_intake_public", "placements_views"])
    assert done["referral_intake_public"] > 0
    assert len(live["candidate_events"]) > 4
    assert await snapshot(url) == live  # the replayed intake appended no candidate event twice
