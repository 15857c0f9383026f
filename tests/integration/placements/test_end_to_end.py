"""End to end on a real NATS: a referral flows in and becomes an internship, run to its 12-month follow-up."""

from __future__ import annotations

from datetime import date
from typing import Any

from cantiere_runtime.auth import Role

from .fakes import COMPLIANT, uid, vat
from .harness import MOLA, Running, bearer, bus_events, publish_referral, until


async def test_a_referral_runs_to_its_twelve_month_follow_up_through_the_api(service: Running, nats_url: str) -> None:
    http, clock = service.http, service.clock
    staff, officer = bearer(Role.PLACEMENT_OPERATOR), bearer(Role.EMPLOYMENT_OFFICER, partner="cpi-bari")
    person = uid(1)
    await publish_referral(nats_url, 1)

    async def arrived() -> bool:
        return (await http.get(f"/candidates/{person}", headers=staff)).status_code == 200

    await until(arrived)

    async def post(path: str, body: Any = None, headers: dict[str, str] = staff, expect: int = 200) -> Any:
        answer = await http.post(path, json=body, headers=headers)
        assert answer.status_code == expect, answer.text
        return answer.json()

    await post(f"/candidates/{person}/accept")
    await post(f"/candidates/{person}/intake-interview", {"held_on": "2008-03-03"})
    await post(f"/candidates/{person}/skills", {"competences": ["kitchen.basic"], "esco_skills": ["S1.2.3"]})
    host = (await post("/hosts", {
        "vat_number": vat(7), "site_municipality": "bari", "sector_code": "56.10.11",
        "permanent_headcount": 12, "declarations": COMPLIANT.model_dump(),
    }, expect=201))["host_id"]  # fmt: skip
    tutor = uid(21)
    await post(f"/hosts/{host}/tutors", {"tutor_id": tutor})
    suggested = (await http.get(f"/candidates/{person}/suggestions", headers=staff)).json()
    assert [s["host_id"] for s in suggested] == [host]

    placement = (await post("/placements", {"person_id": person, "host_id": host, "hours_per_week": 20}, expect=201))[
        "placement_id"
    ]
    assert service.municipality.questions[-1]["host_vat"] == vat(7)
    p = f"/placements/{placement}"
    await post(f"{p}/accept", {"party": "person"})
    await post(f"{p}/accept", {"party": "host"})
    await post(f"{p}/agreement", {"agreement_id": uid(80)})
    project = {
        "objectives": ["kitchen.basic"], "promoter_tutor_id": uid(20), "host_tutor_id": tutor, "hours_per_week": 20,
        "starts_on": "2008-04-01", "ends_on": "2008-06-30", "monthly_allowance_cents": 45_000,
    }  # fmt: skip
    await post(f"{p}/training-project", project)
    queue = (await http.get("/validation-queue", headers=officer)).json()
    assert [q["placement_id"] for q in queue] == [placement]
    await post(f"{p}/validate", headers=officer)
    await post(f"{p}/notices", {"kind": "start", "reference_number": "CO-2008-0001"})
    clock.on(date(2008, 4, 1))
    await post(f"{p}/start", {"started_on": "2008-04-01"})

    named = await http.put(f"/candidates/{person}/first-name", json={"first_name": "Giovanna"}, headers=staff)
    assert named.status_code == 204
    tutor_headers = bearer(Role.COMPANY_TUTOR, host_id=host)
    for month, next_day in (
        ("2008-04", date(2008, 5, 2)),
        ("2008-05", date(2008, 6, 2)),
        ("2008-06", date(2008, 6, 30)),
    ):
        clock.on(next_day)
        body = {"month": month, "planned_hours": "80", "attended_hours": "72"}
        await post(f"{p}/attendance", body, headers=tutor_headers)
        await post(f"{p}/allowances/{month}/calculate")
        await post(f"{p}/allowances/{month}/pay")
    page = (await http.get(f"/hosts/{host}/interns", headers=tutor_headers)).json()
    assert len(page[0]["attendance"]) == 3 and page[0]["first_name"] == "Giovanna"
    assert set(page[0]) == {"placement_id", "first_name", "role", "hours_per_week", "starts_on", "ends_on"} | {
        "status",
        "attendance",
    }
    ledger = (await http.get("/ledger.csv", headers=staff)).text
    assert ledger.count("45000,450.00") == 3

    await post(f"{p}/complete", {"outcome": "hired", "contract_type": "fixed_term"})
    await post(f"{p}/attestation", {"competences": ["kitchen.basic"]})
    await post(f"{p}/notices", {"kind": "end", "reference_number": "CO-2008-0002"})
    for months, day in ((3, date(2008, 9, 30)), (6, date(2008, 12, 30)), (12, date(2009, 6, 30))):
        clock.on(day)
        await post(f"{p}/follow-ups", {"after_months": months, "employed": True, "contract_type": "fixed_term"})
    await post(f"{p}/close", {"reason": "path_completed"})

    async def all_published() -> list[tuple[str, str]] | None:
        found = await bus_events(nats_url, f"cantiere.public.placements.{MOLA}.*")
        return found if ("mola-di-bari", "CaseClosed") in found else None

    about_person = await until(all_published)
    types = [t for _, t in about_person]
    assert {partner for partner, _ in about_person} == {MOLA}
    assert types.count("AllowancePaid") == 3 and types.count("FollowUpRecorded") == 3
    for expected in ("ReferralAccepted", "PlacementProposed", "InternshipStarted", "InternshipCompleted"):
        assert expected in types
    about_host = await bus_events(nats_url, "cantiere.public.placements.ati-cantiere.*")
    assert ("ati-cantiere", "HostRegistered") in about_host
