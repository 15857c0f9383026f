"""Backup and restore of a whole programme: each service's database and the JetStream streams, restored into an
empty system (a new NATS store, empty databases), monitoring rebuilt from the restored streams.

The programme runs as the operators run it (real processes, real NATS, SQLite or PostgreSQL); the backups are
taken with the services running, by the documented commands; the restored system must show the same figures,
the same placements in the same states, the same caseloads, and open the vault with the same keys.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from cantiere_runtime.bus import STREAMS

from tests.conftest import NatsUnderTest
from tests.support.databases import POSTGRES_URL, fresh_databases

from .people import BARI, HOSTS, MOLA, PEOPLE, VICTIM
from .processes import Fleet, fleet, until
from .programme import (
    ANALYST,
    MANAGER_BARI,
    OPERATOR,
    WORKER,
    Api,
    finish,
    internship_months,
    refer,
    restricted_consumed,
    run_internship,
    start_programme,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

SERVICES = {BARI: "cantiere_referrals", MOLA: "cantiere_referrals", "placements": "cantiere_placements",
            "monitoring": "cantiere_monitoring"}  # fmt: skip
PERIOD = "?period=programme"


def command(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """One operator's command, as documented; it must succeed."""
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{' '.join(args[2:])} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def service_command(processes: Fleet, name: str, *args: str) -> str:
    """``python -m <package> <args>`` with the service's own settings, as beside the running service."""
    service = processes.services[name]
    return command([sys.executable, "-m", service.package, *args], service.env, processes.directory)


def cantiere(*args: str, cwd: Path) -> str:
    """The ``cantiere`` command of the virtualenv (the deployment's bootstrap image runs the same)."""
    return command([str(Path(sys.executable).parent / "cantiere"), *args], _plain_env(), cwd)


def _plain_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CANTIERE_")}


async def run_a_small_programme(processes: Fleet, nats_url: str, today: date) -> dict[int, str]:
    """Seven referrals, all taken in; four placed: one runs to a closed case, one is running, two proposed."""
    s = processes.services
    async with httpx.AsyncClient(timeout=10) as http:
        referrals = {BARI: Api(http, s[BARI].url), MOLA: Api(http, s[MOLA].url)}
        placements = Api(http, s["placements"].url)
        ids = {p.n: await refer(referrals[p.municipality], p, []) for p in PEOPLE}

        async def all_arrived() -> bool:
            waiting = {row["person_id"] for row in await placements.get("/pipeline", OPERATOR)}
            return waiting >= set(ids.values())

        await until(all_arrived, 60, "every referral in the consortium's pipeline")
        await until(lambda: restricted_consumed(nats_url), 20, "the consortium read the safety constraints")
        for person_id in ids.values():
            await placements.post(f"/candidates/{person_id}/accept", OPERATOR)
        hosts = []
        for host in HOSTS[:2]:
            host_id = (await placements.post("/hosts", OPERATOR, host.registration(), expect=201))["host_id"]
            tutor_id = str(uuid.uuid4())
            await placements.post(f"/hosts/{host_id}/tutors", OPERATOR, {"tutor_id": tutor_id})
            hosts.append((host_id, tutor_id))
        months = internship_months(today)
        for n, person in enumerate(PEOPLE[:4]):
            host_id, tutor_id = hosts[n % 2]
            body = {"person_id": ids[person.n], "host_id": host_id, "hours_per_week": 20}
            placement_id = (await placements.post("/placements", OPERATOR, body, expect=201))["placement_id"]
            if n < 2:
                await run_internship(placements, placement_id, host_id, tutor_id, months)
            if n < 1:
                await finish(placements, placement_id, "hired")
        await placements.call(
            "PUT", f"/candidates/{ids[VICTIM.n]}/first-name", OPERATOR, {"first_name": VICTIM.first_name}, expect=204
        )
    return ids


async def what_each_partner_sees(processes: Fleet, ids: dict[int, str]) -> dict[str, Any]:
    """The figures, the placements' states, the caseloads, an identity read from the vaults."""
    s = processes.services
    async with httpx.AsyncClient(timeout=10) as http:
        placements, monitoring = Api(http, s["placements"].url), Api(http, s["monitoring"].url)
        bari = Api(http, s[BARI].url)
        pipeline = sorted(await placements.get("/pipeline", OPERATOR), key=lambda r: r["person_id"])
        candidates = [await placements.get(f"/candidates/{i}", OPERATOR) for i in sorted(ids.values())]
        victim = await bari.get(f"/people/{ids[VICTIM.n]}?reason=case_management", MANAGER_BARI)
        return {
            "indicators": await monitoring.get(f"/indicators{PERIOD}", ANALYST),
            "pipeline": pipeline,
            "candidates": candidates,
            "ledger": await placements.get("/ledger", OPERATOR),
            "caseload": {m: await Api(http, s[m].url).get("/caseload", WORKER[m]) for m in (BARI, MOLA)},
            "victim": victim["personal_data"],
        }


async def settled(processes: Fleet, ids: dict[int, str]) -> dict[str, Any]:
    """What the partners see once monitoring has counted every referral and two consecutive reads agree."""
    last: dict[str, Any] = {}

    async def stable() -> dict[str, Any]:
        nonlocal last
        seen = await what_each_partner_sees(processes, ids)
        counted = seen["indicators"]["flows"]["referrals"]["total"] == {"value": len(PEOPLE)}
        agreed, last = seen == last, seen
        return seen if counted and agreed else {}

    return await until(stable, 120, "the partners' views settle")


async def streams_of(url: str) -> list[str]:
    nc = await nats.connect(url)
    try:
        return [info.config.name for info in await nc.jetstream().streams_info()]
    finally:
        await nc.close()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def test_a_programme_restored_into_an_empty_system_shows_the_same_figures_and_states(
    backend: str, nats_url: str, restartable_nats: NatsUnderTest, tmp_path: Path
) -> None:
    if backend == "postgresql" and not POSTGRES_URL:
        pytest.skip("CANTIERE_TEST_POSTGRES_URL is not set")
    today = date.today()
    backups = tmp_path / "backups"
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    with (
        fresh_databases(backend, tmp_path / "before", list(SERVICES)) as before_db,
        fresh_databases(backend, tmp_path / "after", list(SERVICES)) as after_db,
    ):
        # --- the programme runs; the backups are taken while every service runs ---
        with fleet(tmp_path / "before") as processes:
            start_programme(processes, nats_url, today, databases=before_db)
            await processes.healthy(timeout=180)
            ids = await run_a_small_programme(processes, nats_url, today)
            seen_before = await settled(processes, ids)
            for name in SERVICES:
                written = service_command(processes, name, "backup", str(backups))
                assert f"{SERVICES[name].removeprefix('cantiere_')}-" in written, written
            written = cantiere("backup-streams", str(backups / "streams"), "--url", nats_url, cwd=tmp_path)
            assert "CANTIERE_PUBLIC:" in written and "CANTIERE_RESTRICTED:" in written, written
            environments = {name: dict(service.env) for name, service in processes.services.items()}

        # --- an empty system: a new NATS store, empty databases; restore, declare, rebuild monitoring ---
        assert await streams_of(restartable_nats.url) == []
        restored = cantiere("restore-streams", str(backups / "streams"), "--url", restartable_nats.url, cwd=tmp_path)
        assert "CANTIERE_PUBLIC:" in restored, restored
        cantiere("streams", "--url", restartable_nats.url, cwd=tmp_path)  # the deployment's bootstrap, as always
        assert sorted(await streams_of(restartable_nats.url)) == sorted(spec.name for spec in STREAMS)
        for name, package in SERVICES.items():
            env = {k: v for k, v in environments[name].items() if k.startswith("CANTIERE_")}
            env |= {"CANTIERE_DATABASE_URL": after_db[name], "CANTIERE_NATS__URL": restartable_nats.url}
            env.pop("CANTIERE_HTTP_PORT")
            out = command([sys.executable, "-m", package, "restore", str(backups)], {**_plain_env(), **env}, tmp_path)
            assert "restored from" in out, out
            environments[name] = env
        rebuilt = command(
            [sys.executable, "-m", "cantiere_monitoring", "rebuild"],
            {**_plain_env(), **environments["monitoring"]},
            tmp_path,
        )
        assert "events" in rebuilt, rebuilt
        with fleet(tmp_path / "after") as processes:
            for name, package in SERVICES.items():
                processes.start(name, package, environments[name])
            await processes.healthy(timeout=180)
            seen_after = await settled(processes, ids)

    assert seen_after["indicators"] == seen_before["indicators"]
    assert seen_after["pipeline"] == seen_before["pipeline"]
    assert seen_after["candidates"] == seen_before["candidates"]
    assert seen_after["ledger"] == seen_before["ledger"]
    assert seen_after["caseload"] == seen_before["caseload"]
    assert seen_after["victim"] == seen_before["victim"]  # the vault opens with the same key
    assert seen_before["victim"]["tax_code"] == VICTIM.tax_code
    assert len(seen_before["pipeline"]) == len(PEOPLE) - 1  # one case closed, the others open at their phase
