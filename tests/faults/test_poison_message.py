"""A poison message on subjects monitoring follows: set aside in the dead-letter stream, or a fail-closed stop.

Never a crash loop (the process keeps its pid and answers), never silently lost (it is in the dead-letter
stream, or the projection says where it stopped), and the load around it is still applied.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from cantiere_runtime.bus import DEAD_LETTER_STREAM

from tests.e2e.people import BARI
from tests.e2e.processes import fleet, until
from tests.e2e.programme import ANALYST, CONSORTIUM, start_programme

from .ledger import FIGURES, Tally, report
from .services import acknowledged_more, load_on, settled_audit

pytestmark = [pytest.mark.slow, pytest.mark.timeout(150)]

UNDECODABLE = b"\xff\x00 not an event"


async def dead_letters(url: str) -> list[dict[str, str]]:
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        state = (await js.stream_info(DEAD_LETTER_STREAM.name)).state
        return [dict((await js.get_msg(DEAD_LETTER_STREAM.name, seq)).headers or {}) for seq in
                range(state.first_seq, state.last_seq + 1)] if state.messages else []  # fmt: skip
    finally:
        await nc.close()


async def test_a_poison_message_is_dead_lettered_or_stops_a_fail_closed_projection_never_a_crash_loop(
    nats_url: str, tmp_path: Path, record_property: Any
) -> None:
    with fleet(tmp_path) as processes:
        start_programme(processes, nats_url, date.today(), municipalities=(BARI,))
        await processes.healthy(timeout=60)
        monitoring = processes.services["monitoring"]
        pid, tally = monitoring.process.pid, Tally()
        nc = await nats.connect(nats_url)
        async with httpx.AsyncClient(timeout=5) as http:
            async with load_on(http, processes.services[BARI], tally):
                await acknowledged_more(tally, 10)
                # An undecodable message where monitoring's hosts projection reads (not fail-closed).
                await nc.jetstream().publish(f"cantiere.public.placements.{CONSORTIUM}.HostRegistered", UNDECODABLE)
                await acknowledged_more(tally, 10)

                async def set_aside() -> list[dict[str, str]]:
                    return await dead_letters(nats_url)

                letters = await until(set_aside, 30, "the poison message in the dead-letter stream")
                assert [h["Cantiere-Dead-Projection"] for h in letters] == ["monitoring_hosts"]
            figures = await settled_audit("poison message, dead-lettered", processes, nats_url, tally)
            report(figures, record_property)
            figures.assert_clean()

            # The same on a type the consent projection fails closed on: it stops there and says so.
            await nc.jetstream().publish(f"cantiere.public.referrals.{BARI}.ConsentWithdrawn", UNDECODABLE)

            async def degraded() -> dict[str, Any] | None:
                health = (await http.get(f"{monitoring.url}/health")).json()
                return health if health["status"] == "degraded" else None

            health = await until(degraded, 60, "monitoring to report its consent projection stopped")
            assert health["blocked_projections"] == ["monitoring_statistics_consent"]
            assert len(await dead_letters(nats_url)) == 1  # not set aside: held where it stopped
            figures_unavailable = (await http.get(f"{monitoring.url}/indicators", headers=ANALYST)).status_code
            assert figures_unavailable == 503  # no figure leaves while consent is not known
        await nc.close()
        assert monitoring.process.poll() is None and monitoring.process.pid == pid, "monitoring restarted or died"
        assert "projection_blocked" in monitoring.log_tail(400)
    line = (
        f"poison messages: 1 dead-lettered (monitoring_hosts), 1 stopping monitoring_statistics_consent "
        f"(health degraded, figures answer {figures_unavailable}), monitoring restarts 0"
    )
    print(f"\n[faults] {line}")
    record_property(FIGURES, line)
