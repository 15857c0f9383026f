"""What the consortium's browser tests set up through the real APIs and service layer: a person referred by
Bari's social worker, hosts for the demo tutors, the employment centre's validation, a running internship."""

from __future__ import annotations

import time
import uuid
from calendar import monthrange
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from cantiere_events import Actor
from cantiere_events.common import HostDeclarations
from cantiere_placements.domain import host as hst
from cantiere_placements.domain.rules import add_months
from cantiere_placements.service_layer.unit import Who
from cantiere_runtime.auth import Principal, Role

from tests.e2e.people import Invented
from tests.integration.referrals.invented import vat_number
from tests.support.identity import PLACEMENTS, REFERRALS

from .system import CENTRE, CONSORTIUM, System

DECLARED = HostDeclarations(
    no_layoffs_last_12_months=True,
    safety_law_compliant=True,
    disability_quota_compliant=True,
    collective_agreement_applied=True,
)


def bearer(system: System, role: Role, partner: str, user: str, audience: str) -> dict[str, str]:
    return system.provider.bearer(Principal(user_id=user, role=role, partner=partner), audience)


def operator_api(system: System) -> httpx.Client:
    headers = bearer(system, Role.PLACEMENT_OPERATOR, CONSORTIUM, "demo-ati-cantiere-po-1", PLACEMENTS)
    return httpx.Client(base_url=system.placements.url, headers=headers, timeout=20)


def refer(system: System, person: Invented, keep_apart_from: str) -> str:
    """Bari's social worker registers the person with every consent, eligibility and a safety constraint, and refers
    them; answers the person id once the consortium has the candidate."""
    worker = bearer(system, Role.SOCIAL_WORKER, "bari", "demo-bari-sw-1", REFERRALS)
    with httpx.Client(base_url=system.referrals.url, headers=worker, timeout=20) as http:
        body = {
            "personal_data": person.personal_data(),
            "district": person.district,
            "profile": {"education_level": "lower_secondary", "languages": ["it"], "availability": ["mornings"],
                        "preferred_sectors": ["56.10"], "care_needs": []},
        }  # fmt: skip
        answer = http.post("/people", json=body)
        assert answer.status_code == 201, answer.text
        person_id: str = answer.json()["id"]
        for scope in ("share_with_consortium", "aggregate_statistics", "minimal_data_to_host",
                      "share_with_employment_centre", "share_contact_details"):  # fmt: skip
            assert http.post(
                f"/people/{person_id}/consents", json={"scope": scope, "form_version": "2026-1"}
            ).is_success
        eligibility = {"taken_into_care_on": "2026-01-12", "category": person.category,
                       "referring_service": "anti_violence_centre"}  # fmt: skip
        assert http.post(f"/people/{person_id}/eligibility", json=eligibility).is_success
        constraints = {"keep_apart_tax_codes": [keep_apart_from], "max_hours_per_week": 30}
        assert http.put(f"/people/{person_id}/safety-constraints", json=constraints).is_success
        assert http.post(f"/people/{person_id}/referrals").status_code == 201
    with operator_api(system) as consortium:  # the referral crosses the bus
        deadline = time.monotonic() + 30
        while consortium.get(f"/candidates/{person_id}").status_code == 404:
            assert time.monotonic() < deadline, "the referral never reached the consortium"
            time.sleep(0.3)
    return person_id


def register_host(system: System, host_id: str, n: int, tutor_id: str | None = None) -> None:
    """A host under a fixed id (the demo tutors carry theirs), through the service layer on the app's own loop."""
    wiring = system.placements.app.state.wiring
    who = Who(Actor(user_id="demo-ati-cantiere-po-1", role="placement_operator"), datetime.now(UTC))
    command = hst.RegisterHost(
        host_id, vat_number(7_500 + n), "bari", "56.10", 40, DECLARED,
        company_name=f"Cucina Inventata {n} Srl", site_address=f"Via dei Test {n}, Bari",
    )  # fmt: skip
    system.placements.run(wiring.placements.host(host_id, command, who))
    if tutor_id:
        system.placements.run(wiring.placements.host(host_id, hst.AssignHostTutor(tutor_id), who))


def project_dates(today: date) -> tuple[date, date, date]:
    """Agreement signed, first and last day: an internship that began on the first of last month, for six months."""
    first = add_months(today.replace(day=1), -1)
    last = add_months(first, 6) - timedelta(days=1)
    return first - timedelta(days=5), first, last


def validate(system: System, placement_id: str) -> None:
    """The employment centre validates the training project (its own pages are another branch's)."""
    officer = bearer(system, Role.EMPLOYMENT_OFFICER, CENTRE, "demo-cpi-bari-eo-1", PLACEMENTS)
    answer = httpx.post(f"{system.placements.url}/placements/{placement_id}/validate", headers=officer, timeout=20)
    assert answer.is_success, answer.text


def running_internship(system: System, person_id: str, host_id: str, tutor_id: str, today: date) -> str:
    """Through the API: intake, proposal, both acceptances, agreement, project, validation, notice, first day."""
    signed, first, last = project_dates(today)
    with operator_api(system) as api:

        def ok(path: str, body: Any = None) -> Any:
            answer = api.post(path, json=body)
            assert answer.is_success, (path, answer.text)
            return answer.json()

        ok(f"/candidates/{person_id}/accept")
        assert api.put(f"/candidates/{person_id}/first-name", json={"first_name": "Camomilla"}).is_success
        placement_id: str = ok("/placements", {"person_id": person_id, "host_id": host_id, "hours_per_week": 20})[
            "placement_id"
        ]
        p = f"/placements/{placement_id}"
        ok(f"{p}/accept", {"party": "person"})
        ok(f"{p}/accept", {"party": "host"})
        ok(f"{p}/agreement", {"agreement_id": str(uuid.uuid4()), "signed_on": signed.isoformat()})
        ok(f"{p}/training-project", {
            "objectives": ["kitchen.basic"], "promoter_tutor_id": str(uuid.uuid4()), "host_tutor_id": tutor_id,
            "hours_per_week": 20, "starts_on": first.isoformat(), "ends_on": last.isoformat(),
            "monthly_allowance_cents": 60_000,
        })  # fmt: skip
    validate(system, placement_id)
    with operator_api(system) as api:
        assert api.post(f"{p}/notices", json={"kind": "start", "reference_number": "CO-TEST-2"}).is_success
        assert api.post(f"{p}/start", json={"started_on": first.isoformat()}).is_success
    return placement_id


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


def last_day(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])
