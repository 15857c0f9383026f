"""End-to-end latency: a social worker's referral, submitted over HTTP to a real referrals process, until the
monitoring process's read model has it (relay, JetStream, monitoring's projector and its commit in between).

The programme's processes are started as the end-to-end tests start them (tests/e2e: referrals for Bari, the
consortium's placements, monitoring), each on its SQLite file. The people are registered, with consents,
eligibility and constraints, before the clock starts. Then the referrals are submitted open loop: command i is
sent at ``start + i / rate`` whatever the earlier ones are doing, and its latency runs from that planned moment
(so a stall counts against every command queued behind it) until a reader of monitoring's database, polling it
every few milliseconds, first sees the person as referred.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import nats
from cantiere_runtime.bus import PUBLIC_STREAM, declare_streams
from cantiere_runtime.nats_server import NatsServer

from tests.bench.figures import Figures
from tests.e2e.people import BARI, Invented
from tests.e2e.processes import fleet, until
from tests.e2e.programme import WORKER, Api, start_programme

SERVICE = "anti_violence_centre"
REFERRED = "SELECT person_id FROM monitoring_person_journeys WHERE referred_on IS NOT NULL"
COUNT_REFERRED = "SELECT COUNT(*) FROM monitoring_person_journeys WHERE referred_on IS NOT NULL"
CONNECTIONS = 32  # HTTP connections to the referrals service
POLL = 0.005  # seconds between two reads of monitoring's database
FIRST_NAMES = ("Fiordaliso", "Ginestra", "Azzurrina", "Camomilla", "Verbenella", "Primulina")
SURNAMES = ("Quartarella", "Pervinchi", "Melagranati", "Brezzolini", "Ciclamoni", "Lentischietti")
CONSENTS = ("share_with_consortium", "aggregate_statistics", "minimal_data_to_host", "share_with_employment_centre")


def person(n: int) -> Invented:
    """Invented person n: a distinct tax code for each (born on a different day)."""
    return Invented(
        n, BARI, FIRST_NAMES[n % 6], SURNAMES[n // 6 % 6], date(1960, 1, 1) + timedelta(days=n), True,
        district=f"municipio-{n % 5 + 1}",
    )  # fmt: skip


async def ready_to_refer(api: Api, who: Invented) -> str:
    """Registered, with consents, eligibility and constraints: only the referral itself is left (its id)."""
    worker = WORKER[BARI]
    body = {
        "personal_data": who.personal_data(),
        "district": who.district,
        "profile": {"education_level": "lower_secondary", "languages": ["it"], "availability": ["mornings"],
                    "preferred_sectors": ["56.10"], "care_needs": []},
    }  # fmt: skip
    person_id: str = (await api.post("/people", worker, body, expect=201))["id"]
    for scope in CONSENTS:
        await api.post(f"/people/{person_id}/consents", worker, {"scope": scope, "form_version": "2026-1"})
    eligibility = {"taken_into_care_on": "2026-01-12", "category": who.category, "referring_service": SERVICE}
    await api.post(f"/people/{person_id}/eligibility", worker, eligibility)
    constraints = {"keep_apart_tax_codes": [], "max_hours_per_week": 30}
    await api.call("PUT", f"/people/{person_id}/safety-constraints", worker, constraints)
    return person_id


async def _prepare(api: Api, count: int, parallel: int = 8) -> list[str]:
    ids: list[str] = [""] * count
    queue = iter(range(count))

    async def worker() -> None:
        for n in queue:
            ids[n] = await ready_to_refer(api, person(n + 1))

    await asyncio.gather(*(worker() for _ in range(parallel)))
    return ids


async def settled(nats_url: str, timeout: float = 300.0) -> None:
    """Wait until the public stream has stopped growing and every consumer of it (monitoring's, the
    consortium's) has nothing pending: what the preparation published must not queue before the referrals."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()

        async def idle() -> bool:
            before = (await js.stream_info(PUBLIC_STREAM.name)).state.last_seq
            await asyncio.sleep(0.5)
            after = (await js.stream_info(PUBLIC_STREAM.name)).state.last_seq
            consumers = await js.consumers_info(PUBLIC_STREAM.name)
            return after == before and all(c.num_pending == 0 and c.num_ack_pending == 0 for c in consumers)

        await until(idle, timeout, "every consumer of the public stream caught up")
    finally:
        await nc.close()


class Monitoring:
    """A read-only look at monitoring's SQLite file: who its read model shows as referred.

    One connection, kept open (each query sees the latest commit); the people are listed only when their
    count moved, so that polling costs the machine little beside the processes it measures.
    """

    def __init__(self, database: Path) -> None:
        self.conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, isolation_level=None)
        self.count = 0

    def referred(self) -> set[str] | None:
        """Everyone referred, or None when nobody new since the last look."""
        try:
            count = self.conn.execute(COUNT_REFERRED).fetchone()[0]
            if count == self.count:
                return None
            self.count = count
            return {row[0] for row in self.conn.execute(REFERRED)}
        except sqlite3.OperationalError:  # the table is not there yet
            return None

    def close(self) -> None:
        self.conn.close()


@dataclass(frozen=True)
class Latencies:
    """Seconds from each referral's planned moment until its HTTP answer, and until monitoring showed it."""

    answered: list[float]
    shown: list[float]  # for one not shown within the patience: the time waited (a lower bound)
    not_shown: int


async def measure(api: Api, ids: list[str], rate: float, database: Path, patience: float = 300.0) -> Latencies:
    """Each referral's latencies, in the order they were planned."""
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    planned = {pid: start + i / rate for i, pid in enumerate(ids)}
    seen: dict[str, float] = {}
    answered: dict[str, float] = {}
    failures: list[BaseException] = []
    # Requests beyond the connections wait here, in a plain FIFO: queued inside httpx's pool, thousands of them
    # cost the client more CPU than the services it measures.
    sending_slots = asyncio.Semaphore(CONNECTIONS)

    async def submit(pid: str) -> None:
        await asyncio.sleep(max(0.0, planned[pid] - loop.time()))
        try:
            async with sending_slots:
                await api.post(f"/people/{pid}/referrals", WORKER[BARI], expect=201)
            answered[pid] = loop.time()
        except (AssertionError, httpx.HTTPError) as exc:
            failures.append(exc)

    sending = [asyncio.create_task(submit(pid)) for pid in ids]
    deadline = start + len(ids) / rate + patience
    monitoring = Monitoring(database)
    try:
        while len(seen) < len(ids) and loop.time() < deadline and not failures:
            await asyncio.sleep(POLL)
            now = loop.time()
            for pid in (monitoring.referred() or set()) - seen.keys():
                seen[pid] = now
    finally:
        monitoring.close()
    await asyncio.gather(*sending)
    if failures:
        raise RuntimeError(f"{len(failures)} referrals failed, the first: {failures[0]}")
    end = loop.time()
    shown = [seen.get(pid, end) - planned[pid] for pid in ids]
    return Latencies([answered[pid] - planned[pid] for pid in ids], shown, len(ids) - len(seen))


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def bench_latency(figures: Figures, folder: Path, rate: float, seconds: float) -> None:
    """p50 and p99, in milliseconds, of ``rate`` referrals a second for ``seconds`` (on a NATS server of its own,
    whose streams hold nothing else)."""
    count = max(1, round(rate * seconds))
    directory = folder / "latency"
    directory.mkdir()
    server = NatsServer(store_dir=directory / "nats").start()
    try:
        nc = await nats.connect(server.url)
        await declare_streams(nc.jetstream())
        await nc.close()
        await _run(figures, server.url, directory, rate, seconds, count)
    finally:
        server.stop()


async def _run(figures: Figures, nats_url: str, directory: Path, rate: float, seconds: float, count: int) -> None:
    with fleet(directory) as processes:
        start_programme(processes, nats_url, date.today(), municipalities=(BARI,))
        await processes.healthy(timeout=90)
        limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
        async with httpx.AsyncClient(timeout=300, limits=limits) as http:
            api = Api(http, processes.services[BARI].url)
            started = time.perf_counter()
            ids = await _prepare(api, count)
            await settled(nats_url)
            print(f"  latency: {count} people ready to refer in {time.perf_counter() - started:.0f} s (untimed)")
            latencies = await measure(api, ids, rate, directory / "monitoring.db")
    figures.other(
        "latency",
        p50_ms=_ms(percentile(latencies.shown, 0.50)),
        p99_ms=_ms(percentile(latencies.shown, 0.99)),
        max_ms=_ms(max(latencies.shown)),
        answered_p50_ms=_ms(percentile(latencies.answered, 0.50)),  # the referrals service's HTTP answer
        answered_p99_ms=_ms(percentile(latencies.answered, 0.99)),
        rate=rate,
        seconds=seconds,
        commands=count,
        not_shown=latencies.not_shown,  # within the patience; their latency counted as the time waited
    )
