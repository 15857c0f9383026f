"""Fuzzing the monitoring API from its OpenAPI, over a programme's history on the bus: no answer is a 5xx."""

from __future__ import annotations

import asyncio
from pathlib import Path

import nats
from cantiere_monitoring.bootstrap import load_settings
from cantiere_monitoring.entrypoints.api import create_app
from cantiere_runtime.auth import Role
from cantiere_runtime.bus import NatsSettings
from schemathesis import APIOperation

from tests.integration.monitoring.test_projections_from_the_bus import publish
from tests.support.identity import MONITORING, TEST_ISSUERS
from tests.unit.monitoring.known_history import known_history

from .fuzzer import client, fuzz, serving
from .tokens import bearer


async def _publish_history(nats_url: str) -> None:
    nc = await nats.connect(nats_url)
    await publish(nc, known_history())
    await nc.close()


def test_no_request_to_the_monitoring_api_gets_a_server_error(tmp_path: Path, nats_url: str) -> None:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'm.db'}",
        nats=NatsSettings(url=nats_url),
        oidc_issuers=[TEST_ISSUERS.issuer("cabina-di-regia", MONITORING)],
    )
    analyst = bearer(MONITORING, Role.ANALYST, "cabina-di-regia")
    app = create_app(settings)
    asyncio.run(_publish_history(nats_url))
    with serving(app) as schema:
        with client(app) as http:
            for _ in range(100):  # the projections follow the bus
                if http.get("/indicators", headers=analyst).json()["flows"]["referrals"]["total"] == {"value": 8}:
                    break
                asyncio.run(asyncio.sleep(0.1))

        def headers(_: APIOperation) -> dict[str, str]:
            return analyst

        report = fuzz(schema, headers, max_examples=25)
    assert not report.server_errors, "\n".join(report.server_errors) + "\n" + report.summary()
    assert 200 in report.reached("GET /masterplan"), report.summary()
