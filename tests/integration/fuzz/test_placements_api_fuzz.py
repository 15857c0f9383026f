"""Fuzzing the placements API from its OpenAPI, with candidates, hosts and placements seeded first: no 5xx."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from cantiere_placements.bootstrap import load_settings
from cantiere_placements.entrypoints.api import create_app
from cantiere_runtime.auth import Role
from schemathesis import APIOperation

from tests.integration.placements.fakes import COMPLIANT, FakeReferrals, uid, vat
from tests.integration.placements.harness import publish_referral, trusted_issuers
from tests.support.identity import PLACEMENTS

from .fuzzer import client, fuzz, serving, use_known_ids
from .tokens import bearer

CONSORTIUM, CENTRE = "ati-cantiere", "cpi-bari"
COORDINATOR = bearer(PLACEMENTS, Role.PLACEMENT_COORDINATOR, CONSORTIUM)  # every staff route, and its own
OFFICER = bearer(PLACEMENTS, Role.EMPLOYMENT_OFFICER, CENTRE)
OFFICER_ROUTES = {("POST", "/placements/{placement_id}/validate")}
PEOPLE = range(1, 7)


@dataclass
class Clock:
    """The service's clock, moved by the seeding like a programme's days."""

    now: datetime = datetime(2008, 3, 3, 10, tzinfo=UTC)

    def on(self, day: date) -> None:
        self.now = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def _seed(http: Any, clock: Clock) -> dict[str, list[str]]:
    """Candidates at every stage, two hosts (one suspended), placements proposed, approved and running."""

    def post(path: str, body: Any = None, expect: int = 200, headers: dict[str, str] = COORDINATOR) -> Any:
        answer = http.post(path, json=body, headers=headers)
        assert answer.status_code == expect, f"{path}: {answer.text}"
        return answer.json()

    for _ in range(100):  # the referrals arrive from the bus
        if len(http.get("/candidates", headers=COORDINATOR).json()) == len(PEOPLE):
            break
        asyncio.run(asyncio.sleep(0.1))
    people = [uid(n) for n in PEOPLE]
    for person in people[1:]:
        post(f"/candidates/{person}/accept")
    post(f"/candidates/{people[1]}/intake-interview", {"held_on": "2008-03-03"})
    post(f"/candidates/{people[1]}/skills", {"competences": ["kitchen.basic"], "esco_skills": ["S1.2.3"]})
    hosts = []
    for n in (7, 8):
        registration = {
            "vat_number": vat(n), "site_municipality": "bari", "sector_code": "56.10.11",
            "permanent_headcount": 40, "declarations": COMPLIANT.model_dump(),
        }  # fmt: skip
        hosts.append(post("/hosts", registration, expect=201)["host_id"])
        post(f"/hosts/{hosts[-1]}/tutors", {"tutor_id": uid(20 + n)})
    placements = [
        post("/placements", {"person_id": person, "host_id": hosts[0], "hours_per_week": 20}, expect=201)[
            "placement_id"
        ]
        for person in people[1:4]
    ]
    post(f"/hosts/{hosts[1]}/suspend", {"reason": "compliance_lapsed"})
    for p in placements[1:]:
        post(f"/placements/{p}/accept", {"party": "person"})
        post(f"/placements/{p}/accept", {"party": "host"})
        post(f"/placements/{p}/agreement", {"agreement_id": uid(80)})
        project = {
            "objectives": ["kitchen.basic"], "promoter_tutor_id": uid(20), "host_tutor_id": uid(27),
            "hours_per_week": 20, "starts_on": "2008-04-01", "ends_on": "2008-09-30", "monthly_allowance_cents": 45_000,
        }  # fmt: skip
        post(f"/placements/{p}/training-project", project)
    running = placements[2]
    post(f"/placements/{running}/validate", headers=OFFICER)
    post(f"/placements/{running}/notices", {"kind": "start", "reference_number": "CO-2008-0001"})
    clock.on(date(2008, 4, 1))
    post(f"/placements/{running}/start", {"started_on": "2008-04-01"})
    clock.on(date(2008, 5, 2))
    post(f"/placements/{running}/attendance", {"month": "2008-04", "planned_hours": "80", "attended_hours": "72"})
    post(f"/placements/{running}/allowances/2008-04/calculate")
    return {"person_id": people, "host_id": hosts, "placement_id": placements, "month": ["2008-04", "2008-05"]}


@pytest.mark.timeout(600)  # about a minute here; took over 170 s with the machine 15 times oversubscribed
def test_no_request_to_the_placements_api_gets_a_server_error(tmp_path: Path, nats_url: str) -> None:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'placements.db'}",
        nats={"url": nats_url},
        environment="test",
        log_format="console",
        log_level="WARNING",
        oidc_issuers=trusted_issuers(),
    )
    clock = Clock()
    app = create_app(settings, referrals=FakeReferrals(), clock=lambda: clock.now)
    for n in PEOPLE:
        asyncio.run(publish_referral(nats_url, n))
    with serving(app) as schema:
        with client(app) as http:
            known = _seed(http, clock)
        use_known_ids(schema, known)

        def headers(operation: APIOperation) -> dict[str, str]:
            return OFFICER if (operation.method.upper(), operation.path) in OFFICER_ROUTES else COORDINATOR

        report = fuzz(schema, headers, max_examples=25)
    assert not report.server_errors, "\n".join(report.server_errors) + "\n" + report.summary()
