"""kill -9 of each service process, and a NATS restart, during a steady referral load.

Bari's referrals service, the consortium's placements and the Region's monitoring run as processes,
started as an operator starts them. Each fault happens while social workers keep referring people
over the API; after each: no acknowledged command lost, no event duplicated on the bus, no referral
taken in twice by the consortium; at the end the read models equal a rebuild.
"""

from __future__ import annotations

import asyncio
import os
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import NatsUnderTest, fresh_streams
from tests.e2e.people import BARI
from tests.e2e.processes import fleet
from tests.e2e.programme import start_programme

from .ledger import FIGURES, Tally, report
from .load import ROUNDS
from .services import acknowledged_more, intake_duplicates, load_on, projections_equal_rebuild, settled_audit

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120 + 90 * ROUNDS)]

FAULTS = tuple(os.environ.get("CANTIERE_FAULTS", "bari,placements,monitoring,nats").split(","))


async def test_kill_9_of_each_service_and_a_nats_restart_lose_and_duplicate_nothing(
    restartable_nats: NatsUnderTest, tmp_path: Path, record_property: Any
) -> None:
    url = restartable_nats.url
    await fresh_streams(url)
    with fleet(tmp_path) as processes:
        start_programme(processes, url, date.today(), municipalities=(BARI,))
        await processes.healthy(timeout=60)
        services = processes.services
        tally = Tally()
        async with httpx.AsyncClient(timeout=5) as http:
            for round_ in range(1, ROUNDS + 1):
                for fault in FAULTS:
                    async with load_on(http, services[BARI], tally):
                        await acknowledged_more(tally, 10)
                        if fault == "nats":
                            restartable_nats.stop()
                            await asyncio.sleep(1)
                            restartable_nats.start()
                        else:
                            services[fault].kill()
                            services[fault].restart()
                        await processes.healthy(timeout=60)
                        await acknowledged_more(tally, 10)
                    what = "NATS restarted" if fault == "nats" else f"kill -9 {fault}"
                    figures = await settled_audit(f"{what} (round {round_})", processes, url, tally)
                    report(figures, record_property)
                    figures.assert_clean()
                    assert await intake_duplicates(services["placements"]) == 0
        differences, rows = await projections_equal_rebuild(processes)
    line = f"read models of placements and monitoring after every fault: {rows} rows, equal to a rebuild: "
    print(f"\n[faults] {line}{differences or 'yes'}")
    record_property(FIGURES, line + ("NO" if differences else "yes"))
    assert rows > 0
    assert differences == {}, f"read models differ from their rebuild (rows live, rebuilt): {differences}"
