"""`cantiere up` plays the pilot (a smaller seed of it) through the real services on the development clock.

What monitoring publishes equals the simulator's own tally after suppression; every placement in the consortium
ends as the simulator played it; people kept apart never share a host; no planted personal value reaches the
bus, a log, or another partner's database; what a person does by hand afterwards lands in the same programme's
figures; a second `up` on the same data folder does not play the demo again.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cantiere_placements.domain.events import REGISTRY as PLACEMENTS_REGISTRY
from cantiere_placements.domain.placement import placement_decider
from cantiere_placements.service_layer.unit import placement_stream
from cantiere_runtime.auth import Role
from cantiere_runtime.db import create_engine
from cantiere_runtime.identity.dev_users import DEMO_HOSTS
from cantiere_runtime.nats_server import free_port
from cantiere_runtime.store import EventStore
from cantiere_runtime.territory import territory_by_code
from cantiere_simulator.demo import demo_scenario, played_record
from cantiere_simulator.invented import tax_code
from cantiere_simulator.plan import Programme, plan_programme
from cantiere_simulator.tokens import DevTokens

from .processes import until
from .programme import bus_messages, leaks
from .test_cantiere_up import _port_open

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

SCALE = 0.15  # nine people (one per municipality at least), a few hosts: the whole path in about two minutes
TERRITORY = territory_by_code("bari-pilot")
IDP = "http://127.0.0.1:8900"
PORTS = (8100, 8200, 8300, 8301, 8302, 8900)


@contextmanager
def cantiere_up(data_dir: Path, nats_port: int) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """`cantiere up` with the demo, read until it says Ctrl-C stops it; SIGINT afterwards."""
    command = [str(Path(sys.executable).parent / "cantiere"), "up", "--data-dir", str(data_dir),
               "--nats-port", str(nats_port), "--demo-scale", str(SCALE), "--timeout", "180"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip())
            if "Ctrl-C" in line and line.startswith("Territorio"):
                break
        yield proc, lines
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(60)


def expected_cell(count: int, threshold: int) -> dict[str, Any]:
    return {"value": count} if count == 0 or count >= threshold else {"suppressed": True}


def same_cell(shown: dict[str, Any], count: int, threshold: int) -> bool:
    if "value" in shown:
        return bool(shown["value"] == count)
    return count != 0  # suppressed: a count hidden below the threshold, or hidden to protect another cell


async def placement_states(db: Path, ids: dict[str, str]) -> dict[str, Any]:
    """Each placement as the consortium's own event store folds it."""
    engine = create_engine(f"sqlite:///{db}")
    try:
        store = EventStore(engine, PLACEMENTS_REGISTRY)
        return {
            key: placement_decider.fold(r.event for r in (await store.load(placement_stream(pid))).events)  # type: ignore[misc]
            for key, pid in ids.items()
        }
    finally:
        await engine.dispose()


def other_partners_files(data_dir: Path, municipality: str) -> Iterator[Path]:
    """The database files of every partner but the person's own municipality, and every log."""
    group = next(name for name, members in TERRITORY.referrals_groups() if municipality in members)
    own = f"referrals-{group}-{municipality}" if group != municipality else f"referrals-{municipality}"
    yield from (path for path in (data_dir / "db").iterdir() if path.name.split(".db")[0] != own)
    yield from (data_dir / "log").iterdir()


async def test_up_plays_the_pilot_once_and_monitoring_counts_what_the_simulator_did(tmp_path: Path) -> None:
    busy = [p for p in PORTS if _port_open(p)]
    if busy:
        pytest.skip(f"ports {busy} are taken on this machine: cantiere up uses fixed default ports")
    data_dir, nats_port = tmp_path / "var", free_port()
    scenario = demo_scenario(TERRITORY, SCALE)
    assert scenario is not None
    programme = plan_programme(scenario, TERRITORY)
    assert plan_programme(scenario, TERRITORY).steps == programme.steps  # same seed, same programme
    tally = programme.tally
    with cantiere_up(data_dir, nats_port) as (_proc, lines):
        text = "\n".join(lines)
        assert sum(line.startswith("demo 20") for line in lines) >= 10, text  # progress, month by month
        assert any(line.startswith("demo: fatto / done") for line in lines), text
        record = played_record(data_dir)
        tokens = DevTokens(TERRITORY, data_dir, IDP)
        analyst = tokens.headers(Role.ANALYST, TERRITORY.partners.monitoring.code, "test-analyst")
        async with httpx.AsyncClient(timeout=20) as http:
            figures = await monitoring_matches(http, analyst, tally)
            await placements_as_played(data_dir, record, programme)
            await nothing_planted(data_dir, nats_port, programme)
            await by_hand_after_the_demo(http, tokens, figures, programme)
    assert not [p for p in PORTS if _port_open(p)], "a process still listens after Ctrl-C"

    with cantiere_up(data_dir, nats_port) as (_proc, again):
        assert any("already played" in line for line in again), "\n".join(again)
        assert not any(line.startswith("demo 20") for line in again)
        async with httpx.AsyncClient(timeout=20) as http:
            figures = (await http.get("http://127.0.0.1:8200/indicators?period=programme", headers=analyst)).json()
            referred = sum(tally.referred.values()) + 1  # the pilot and the one referred by hand, once each
            assert figures["flows"]["referrals"]["total"] == expected_cell(referred, TERRITORY.disclosure_threshold)


async def monitoring_matches(http: httpx.AsyncClient, analyst: dict[str, str], tally: Any) -> dict[str, Any]:
    threshold = TERRITORY.disclosure_threshold
    referred, started = sum(tally.referred.values()), sum(tally.started.values())
    shown: dict[str, Any] = {}

    async def counted() -> bool:
        answer = await http.get("http://127.0.0.1:8200/indicators?period=programme", headers=analyst)
        shown.update(answer.json() if answer.status_code == 200 else {})
        flows = shown.get("flows", {})
        return flows.get("referrals", {}).get("total") == expected_cell(referred, threshold) and flows.get(
            "starts", {}
        ).get("total") == expected_cell(started, threshold)

    try:
        await until(counted, 60, "monitoring counts what the simulator played")
    except AssertionError:
        flows = shown.get("flows", {})
        raise AssertionError(
            f"expected {referred} referred, {started} started; shown {flows.get('referrals', {}).get('total')}, "
            f"{flows.get('starts', {}).get('total')}"
        ) from None
    cells = shown["flows"]["referrals"]["by"]["municipality"].get("cells")  # or withheld as a whole
    for municipality, count in tally.referred.items() if cells else ():
        assert same_cell(cells[municipality], count, threshold), (municipality, cells[municipality], count)
    return shown


async def placements_as_played(data_dir: Path, record: dict[str, Any], programme: Programme) -> None:
    ids: dict[str, str] = record["placements"]
    assert set(ids) == set(programme.tally.placement_status)
    states = await placement_states(data_dir / "db" / "placements.db", ids)
    assert {k: s.status for k, s in states.items()} == programme.tally.placement_status
    placed = {k: s.host_id for k, s in states.items() if s.status != "rejected"}
    assert set(DEMO_HOSTS) & set(placed.values()), "the sign-in's demo company tutors have interns to see"
    assert programme.tally.keep_apart, "the scenario keeps some people apart"
    for victim, author in programme.tally.keep_apart:
        hosts_of_victim = {h for k, h in placed.items() if k.split("-")[0] == str(victim)}
        hosts_of_author = {h for k, h in placed.items() if k.split("-")[0] == str(author)}
        assert hosts_of_victim and hosts_of_author and not hosts_of_victim & hosts_of_author


async def nothing_planted(data_dir: Path, nats_port: int, programme: Programme) -> None:
    planted = [v for p in programme.people for v in p.planted_values()]
    messages = await bus_messages(f"nats://127.0.0.1:{nats_port}")
    assert len(messages) > 300, len(messages)  # the whole programme went over the bus
    for _stream, subject, data, headers in messages:
        text = " ".join([subject, data.decode("utf-8", "replace"), *map(str, headers.items())])
        assert not leaks(text, planted), subject
    for person in programme.people:
        for path in other_partners_files(data_dir, person.municipality):
            content = path.read_bytes().decode("utf-8", "replace")
            assert not leaks(content, person.planted_values()), path.name


async def by_hand_after_the_demo(
    http: httpx.AsyncClient, tokens: DevTokens, before: dict[str, Any], programme: Programme
) -> None:
    """The clock runs on from the last simulated day, inside the demo's programme: a referral by hand counts."""
    clock = (await http.get("http://127.0.0.1:8100/dev/clock")).json()
    assert clock["now"][:10] in {programme.last_day.isoformat(), _next(programme.last_day)}, clock
    worker = tokens.headers(Role.SOCIAL_WORKER, "bari", "test-sw-bari")
    body = {
        "personal_data": {"first_name": "Asfodela", "surname": "Manomissa", "birth_date": "1980-01-01",
                          "tax_code": tax_code("Asfodela", "Manomissa", date(1980, 1, 1), female=True),
                          "gender": "female"},
        "district": "municipio-1", "profile": {},
    }  # fmt: skip
    person = (await http.post("http://127.0.0.1:8300/people", json=body, headers=worker)).json()["id"]
    base = f"http://127.0.0.1:8300/people/{person}"
    for scope in ("share_with_consortium", "aggregate_statistics"):
        assert (
            await http.post(f"{base}/consents", json={"scope": scope, "form_version": "1"}, headers=worker)
        ).is_success
    eligibility = {"taken_into_care_on": programme.last_day.isoformat(), "category": "stalking",
                   "referring_service": "anti_violence_centre"}  # fmt: skip
    assert (await http.post(f"{base}/eligibility", json=eligibility, headers=worker)).is_success
    assert (await http.post(f"{base}/referrals", headers=worker)).status_code == 201
    analyst = tokens.headers(Role.ANALYST, TERRITORY.partners.monitoring.code, "test-analyst")
    referred = sum(programme.tally.referred.values()) + 1
    threshold = TERRITORY.disclosure_threshold

    async def moved() -> bool:
        answer = await http.get("http://127.0.0.1:8200/indicators?period=programme", headers=analyst)
        return bool(answer.json()["flows"]["referrals"]["total"] == expected_cell(referred, threshold))

    await until(moved, 60, "the referral made by hand counted in the programme's figures")


def _next(day: date) -> str:
    return (day + timedelta(days=1)).isoformat()
