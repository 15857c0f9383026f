"""Ids, codes and months are checked at the HTTP edge with the contract's own types: a value the public event
would refuse is a 422 naming the field, never a 500 when the event is built (found by fuzzing the API)."""

from __future__ import annotations

from typing import Any

import pytest
from cantiere_runtime.auth import Role

from .fakes import COMPLIANT, uid, vat
from .harness import Running, bearer

STAFF = bearer(Role.PLACEMENT_COORDINATOR)
HOST, PLACEMENT, PERSON = uid(7001), uid(7002), uid(1)


async def refused(service: Running, path: str, body: Any = None, method: str = "POST") -> dict[str, Any]:
    answer = await service.http.request(method, path, json=body, headers=STAFF)
    assert answer.status_code == 422, answer.text
    found: dict[str, Any] = answer.json()
    assert found["error"] == "invalid_input"
    return found


async def test_a_tutor_id_of_36_zeros_is_refused_with_422_naming_the_field(service: Running) -> None:
    found = await refused(service, f"/hosts/{HOST}/tutors", {"tutor_id": "0" * 36})
    assert found["problems"][0]["field"] == "tutor_id"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            f"/placements/{PLACEMENT}/visits",
            {"tutor_id": "", "tutor_role": "host", "visited_on": "2008-05-02"},
            "tutor_id",
        ),
        (f"/placements/{PLACEMENT}/agreement", {"agreement_id": "convenzione-1"}, "agreement_id"),
        (f"/placements/{PLACEMENT}/notices", {"kind": "start", "reference_number": ""}, "reference_number"),
        (f"/placements/{PLACEMENT}/attestation", {"competences": [""]}, "competences.0"),
        (f"/candidates/{PERSON}/skills", {"competences": ["kitchen.basic"], "esco_skills": ["?"]}, "esco_skills.0"),
        (f"/candidates/{PERSON}/skills", {"competences": [""]}, "competences.0"),
        ("/placements", {"person_id": "-" * 36, "host_id": HOST, "hours_per_week": 20}, "person_id"),
    ],
    ids=[
        "visit tutor",
        "agreement id",
        "notice reference",
        "attested competence",
        "esco skill",
        "competence",
        "person",
    ],
)
async def test_a_body_value_the_public_event_would_refuse_is_a_422(
    service: Running, path: str, body: dict[str, Any], field: str
) -> None:
    found = await refused(service, path, body)
    assert found["problems"][0]["field"] == field


async def test_the_training_project_names_contract_codes_and_tutor_ids(service: Running) -> None:
    project = {
        "objectives": ["kitchen.basic"], "promoter_tutor_id": uid(20), "host_tutor_id": "tutor of the host",
        "hours_per_week": 20, "starts_on": "2008-04-01", "ends_on": "2008-06-30", "monthly_allowance_cents": 45_000,
    }  # fmt: skip
    found = await refused(service, f"/placements/{PLACEMENT}/training-project", project)
    assert found["problems"][0]["field"] == "host_tutor_id"


@pytest.mark.parametrize(
    "path",
    [
        "/hosts/not-a-host/interns",
        "/candidates/not-a-person",
        "/placements/not-a-placement/start",
        f"/placements/{PLACEMENT}/allowances/2008-13/calculate",
    ],
)
async def test_a_malformed_id_or_month_in_the_path_is_a_422(service: Running, path: str) -> None:
    method = "GET" if path.startswith(("/hosts", "/candidates")) else "POST"
    await refused(service, path, {"started_on": "2008-04-01"} if method == "POST" else None, method=method)


async def test_a_host_registered_under_a_chosen_id_keeps_it_and_the_id_cannot_be_taken_twice(service: Running) -> None:
    chosen = uid(7003)
    body = {"vat_number": vat(31), "site_municipality": "bari", "sector_code": "56.10.11", "permanent_headcount": 12,
            "declarations": COMPLIANT.model_dump()}  # fmt: skip
    first = await service.http.put(f"/hosts/{chosen}", json=body, headers=STAFF)
    assert first.status_code == 201, first.text
    assert first.json()["host_id"] == chosen
    again = await service.http.put(f"/hosts/{chosen}", json={**body, "vat_number": vat(32)}, headers=STAFF)
    assert again.status_code == 409, again.text
    await refused(service, "/hosts/not-a-host", body, method="PUT")
