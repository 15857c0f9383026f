"""The monitoring service starts with its projectors, answers /health and serves figures from the bus."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import nats
from cantiere_monitoring.bootstrap import load_settings
from cantiere_monitoring.entrypoints.api import create_app
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.bus import NatsSettings

from tests.support.identity import MONITORING, TEST_ISSUERS
from tests.unit.monitoring.known_history import known_history

from .test_projections_from_the_bus import publish

ISSUERS = [TEST_ISSUERS.issuer("cabina-di-regia", MONITORING)]


async def test_the_service_projects_the_bus_and_answers_health(nc: nats.NATS, nats_url: str, tmp_path: Path) -> None:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'm.db'}", nats=NatsSettings(url=nats_url), oidc_issuers=ISSUERS
    )
    app = create_app(settings)
    await publish(nc, known_history())
    analyst = Principal(user_id="u-1", role=Role.ANALYST, partner="cabina-di-regia")
    headers = TEST_ISSUERS.bearer(analyst, MONITORING)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://m") as http:
        assert (await http.get("/health")).status_code == 200
        for _ in range(50):
            body = (await http.get("/indicators", headers=headers)).json()
            if body["flows"]["referrals"]["total"] == {"value": 8}:
                break
            await asyncio.sleep(0.1)
        assert body["flows"]["referrals"]["total"] == {"value": 8}


async def test_no_figure_leaves_while_a_consent_withdrawal_cannot_be_applied(
    nc: nats.NATS, nats_url: str, tmp_path: Path
) -> None:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'm.db'}", nats=NatsSettings(url=nats_url), oidc_issuers=ISSUERS
    )
    app = create_app(settings)
    await publish(nc, known_history())
    # A grant, then a withdrawal, this service cannot read (say, a schema version it does not know yet):
    # the grant is set aside (someone left uncounted is safe), the withdrawal stops the projection.
    await nc.jetstream().publish("cantiere.public.referrals.bari.ConsentRecorded", b'{"person_id": 1')
    await nc.jetstream().publish("cantiere.public.referrals.bari.ConsentWithdrawn", b'{"person_id": 1')
    analyst = Principal(user_id="u-1", role=Role.ANALYST, partner="cabina-di-regia")
    headers = TEST_ISSUERS.bearer(analyst, MONITORING)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://m") as http:
        for _ in range(100):  # the consent projection retries, then stays blocked (fail closed)
            health = (await http.get("/health")).json()
            if health["blocked_projections"]:
                break
            await asyncio.sleep(0.1)
        assert health["status"] == "degraded"
        assert health["blocked_projections"] == ["monitoring_statistics_consent"]
        for path in ("/indicators", "/procedure", "/exports/indicators.csv", "/masterplan"):
            answer = await http.get(path, headers=headers)
            assert answer.status_code == 503, path
            assert answer.json()["error"] == "figures_withheld"
            assert "consent" in answer.json()["message_en"]
    dead = await nc.jetstream().get_last_msg(
        "CANTIERE_DEADLETTER", "cantiere.deadletter.monitoring-cabina-di-regia-monitoring-statistics-consent"
    )
    assert dead.headers is not None
    assert dead.headers["Cantiere-Dead-Subject"] == "cantiere.public.referrals.bari.ConsentRecorded"
